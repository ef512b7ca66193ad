package org.swarmkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.support.GeneratedDocument;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/CONFIGURATION.md is Spring Boot's configuration metadata for {@code tracker.*}, which the configuration
 * processor takes from the {@code @ConfigurationProperties} records and the {@code @param} javadoc on them.
 */
class ConfigurationReferenceTest {

    private static final String PAGE = "docs/CONFIGURATION.md";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(tracker\\.[a-z0-9.-]+)");

    record Key(String name, String type, String defaultValue, String description) {
    }

    record Group(String name, String description, List<Key> keys) {
    }

    @Test
    void everyKeyHasAMeaning() throws Exception {
        assertThat(groups().stream().flatMap(group -> group.keys().stream()))
                .isNotEmpty()
                .allSatisfy(key -> assertThat(key.description()).as(key.name()).isNotBlank());
    }

    @Test
    void keysReadOutsideTheRecordsAreInTheMetadata() throws Exception {
        Set<String> documented = new TreeSet<>();
        groups().forEach(group -> group.keys().forEach(key -> documented.add(key.name())));
        assertThat(placeholdersInMainSources()).isNotEmpty().isSubsetOf(documented);
    }

    @Test
    void committedPageIsTheMetadata() throws Exception {
        GeneratedDocument.assertCommitted(PAGE, render(groups()), "ConfigurationReferenceTest");
    }

    private static List<Group> groups() throws IOException, URISyntaxException {
        // this application's own metadata, not the first of the many on the class path (Spring Boot's jars carry theirs)
        Path classes = Path.of(SwarmkeeperApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path file = classes.resolve("META-INF/spring-configuration-metadata.json");
        assertThat(file).as("configuration metadata (spring-boot-configuration-processor; a clean build writes it)")
                .exists();
        JsonNode metadata;
        try (InputStream in = Files.newInputStream(file)) {
            metadata = JsonMapper.builder().build().readTree(in);
        }
        List<Group> groups = new ArrayList<>();
        for (JsonNode group : metadata.get("groups")) {
            String name = group.get("name").asString();
            if (name.equals("tracker") || name.startsWith("tracker.")) {
                groups.add(new Group(name, text(group, "description"), new ArrayList<>()));
            }
        }
        groups.sort(Comparator.comparing(Group::name));
        for (JsonNode property : metadata.get("properties")) {
            String name = property.get("name").asString();
            if (!name.startsWith("tracker.")) {
                continue;
            }
            Key key = new Key(name, type(text(property, "type")), defaultValue(property.get("defaultValue")),
                    text(property, "description"));
            groups.stream()
                    .filter(group -> name.startsWith(group.name() + "."))
                    .max(Comparator.comparingInt(group -> group.name().length()))
                    .orElseThrow(() -> new AssertionError(name + " belongs to no group"))
                    .keys().add(key);
        }
        groups.forEach(group -> group.keys().sort(Comparator.comparing(Key::name)));
        return groups;
    }

    private static String render(List<Group> groups) {
        StringBuilder page = new StringBuilder("""
                # Configuration

                Every `tracker.*` setting, with its type, default and meaning. Set them like any Spring Boot property:
                on the command line (`--tracker.announce.interval=20m`), as environment variables
                (`TRACKER_ANNOUNCE_INTERVAL=20m`), or in an `application.properties` beside the jar. Durations take
                `ms`, `s`, `m`, `h` or `d` (`30m`); sizes `B`, `KB`, `MB`, `GB` or `TB` (`10GB`); lists are
                comma-separated.

                Spring Boot's own settings apply as well: `server.port` (8080) for the admin API, the dashboard and
                Actuator; `spring.datasource.url`, `username` and `password` for a PostgreSQL server (unset: the
                embedded one, `tracker.embedded-db.*`).

                This page is generated from the configuration metadata that the build derives from the
                `@ConfigurationProperties` records and their javadoc; `ConfigurationReferenceTest` fails when the two
                differ (`./mvnw test -Dtest=ConfigurationReferenceTest -Ddocs.write=true` writes it anew).
                """);
        for (Group group : groups) {
            page.append("\n## `").append(group.name()).append("`\n\n");
            if (!group.description().isBlank()) {
                page.append(prose(group.description())).append("\n\n");
            }
            if (group.keys().isEmpty()) {
                page.append("Its keys are in the sections below.\n");
                continue;
            }
            page.append("| key | type | default | meaning |\n|---|---|---|---|\n");
            for (Key key : group.keys()) {
                page.append("| `").append(key.name()).append("` | ").append(key.type()).append(" | ")
                        .append(key.defaultValue()).append(" | ").append(cell(key.description())).append(" |\n");
            }
        }
        return page.toString();
    }

    private static String type(String javaType) {
        return switch (javaType) {
            case "java.time.Duration" -> "duration";
            case "org.springframework.util.unit.DataSize" -> "size";
            case "java.lang.Integer" -> "integer";
            case "java.lang.Long" -> "integer";
            case "java.lang.Double" -> "number";
            case "java.lang.Boolean" -> "boolean";
            case "java.lang.String" -> "text";
            case "java.util.List<java.lang.String>" -> "list";
            case "java.nio.file.Path" -> "path";
            default -> javaType.startsWith("java.util.Map<") ? "map" : javaType;
        };
    }

    private static String defaultValue(JsonNode value) {
        if (value == null || value.isNull()) {
            return "(unset)";
        }
        String text = value.asString();
        // a list default comes as "[a, b]"; a property file writes it "a,b"
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1).replace(", ", ",");
        }
        return "`" + text + "`";
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null ? "" : value.asString();
    }

    /** Javadoc prose as Markdown on one line: {@code {@code x}} and {@code {@link X}} as code, braces balanced. */
    private static String prose(String javadoc) {
        String text = javadoc.replaceAll("\\s+", " ").trim();
        StringBuilder out = new StringBuilder();
        int at = 0;
        Matcher tag = Pattern.compile("\\{@(?:code|link|linkplain) ").matcher(text);
        while (tag.find(at)) {
            out.append(text, at, tag.start());
            int depth = 1;
            int end = tag.end();
            for (; end < text.length() && depth > 0; end++) {
                depth += text.charAt(end) == '{' ? 1 : text.charAt(end) == '}' ? -1 : 0;
            }
            out.append('`').append(text, tag.end(), end - 1).append('`');
            at = end;
        }
        return out.append(text.substring(at)).toString();
    }

    private static String cell(String javadoc) {
        return prose(javadoc).replace("|", "\\|");
    }

    private static Set<String> placeholdersInMainSources() throws IOException {
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src", "main"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Matcher placeholder = PLACEHOLDER.matcher(Files.readString(file, StandardCharsets.UTF_8));
                while (placeholder.find()) {
                    keys.add(placeholder.group(1));
                }
            }
        }
        return keys;
    }
}
