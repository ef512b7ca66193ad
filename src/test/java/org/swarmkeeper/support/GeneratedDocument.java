package org.swarmkeeper.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A page under {@code docs/} rendered from the code: the committed copy must equal what the code renders today.
 * With {@code -Ddocs.write=true} the test writes it instead, for a change that is meant to alter the page.
 */
public final class GeneratedDocument {

    private GeneratedDocument() {
    }

    public static void assertCommitted(String path, String rendered, String testName) throws IOException {
        Path committed = Path.of(path);
        if (Boolean.getBoolean("docs.write")) {
            Files.createDirectories(committed.toAbsolutePath().getParent());
            Files.writeString(committed, rendered, StandardCharsets.UTF_8);
            return;
        }
        assertThat(committed).as("%s is rendered from the code", path).exists();
        assertThat(Files.readString(committed, StandardCharsets.UTF_8))
                .as("%s is stale; write it anew with ./mvnw test -Dtest=%s -Ddocs.write=true", path, testName)
                .isEqualTo(rendered);
    }
}
