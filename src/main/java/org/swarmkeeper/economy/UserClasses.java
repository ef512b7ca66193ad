package org.swarmkeeper.economy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.swarmkeeper.users.UserAccount;
import org.swarmkeeper.users.UserDirectory;

/**
 * The user classes of {@code tracker.economy.classes}: which one a user is in, the scheduled promotion and demotion
 * (run by the policy's scheduled rules, under their lock), staff's pins, and a user's progress.
 */
@Component
public class UserClasses {

    /** What the requirements are measured on, for one user. {@code ratio} is {@code null} with no download. */
    public record Standing(long userId, String userClass, boolean pinned, Duration accountAge, long uploaded,
                           Double ratio, Duration seedTime, Duration averageSeedTime, long seedingSize,
                           long snatches) {
    }

    /** One requirement of a class against a user's standing. */
    public record Requirement(String name, String required, String actual, boolean met) {
    }

    /** A user's class, the next one and how far the user is from it ({@code null} at the top). */
    public record Progress(String userClass, boolean pinned, String nextClass, List<Requirement> requirements) {
    }

    /** A class change the evaluation made, with why. */
    public record Change(long userId, String from, String to, boolean promoted, String why) {
    }

    private static final String STANDINGS = """
            SELECT u.id, u.user_class, u.class_pinned, u.created_at, u.uploaded, u.downloaded,
                   COALESCE(h.seed_ms, 0) AS seed_ms, COALESCE(h.seeded, 0) AS seeded,
                   COALESCE(h.snatches, 0) AS snatches, COALESCE(s.bytes, 0) AS seeding
            FROM users u
            LEFT JOIN (SELECT user_id, sum(seed_time_ms) AS seed_ms, count(*) FILTER (WHERE seed_time_ms > 0) AS seeded,
                              count(*) FILTER (WHERE completed_at IS NOT NULL) AS snatches
                       FROM user_torrent_history WHERE user_id = ANY (?) OR ? GROUP BY user_id) h ON h.user_id = u.id
            LEFT JOIN (SELECT p.user_id, LEAST(sum(t.size), 9223372036854775807)::bigint AS bytes
                       FROM (SELECT DISTINCT user_id, torrent_id FROM peers
                             WHERE active AND seeding AND (user_id = ANY (?) OR ?)) p
                       JOIN torrents t ON t.id = p.torrent_id GROUP BY p.user_id) s ON s.user_id = u.id
            WHERE u.id = ANY (?) OR ?
            ORDER BY u.id""";

    private final List<UserClass> classes;
    private final JdbcTemplate jdbc;
    private final UserDirectory users;

    UserClasses(EconomyProperties properties, JdbcTemplate jdbc, UserDirectory users) {
        this.classes = properties.classes();
        this.jdbc = jdbc;
        this.users = users;
    }

    /** Lowest first. */
    public List<UserClass> all() {
        return classes;
    }

    /** The user's class: the first one for no class, a class no longer configured, or an unknown user. */
    public UserClass of(UserAccount user) {
        return user == null ? classes.get(0) : named(user.userClass()).orElse(classes.get(0));
    }

    public UserClass of(long userId) {
        return of(users.byId(userId));
    }

    public Optional<UserClass> named(String name) {
        return name == null ? Optional.empty() : classes.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /**
     * Moves every user not pinned to the class the requirements give (see {@link UserClass}), inside the caller's
     * transaction. Returns the changes; the caller logs them and refreshes the users once they commit.
     */
    public List<Change> evaluate(Instant now) {
        List<Change> changes = new ArrayList<>();
        for (Standing standing : standings(null, now)) {
            if (standing.pinned()) {
                continue;
            }
            int current = index(standing.userClass());
            int qualified = highestMet(standing);
            int target = qualified > current ? qualified
                    : qualified < current && standing.ratio() != null
                            && standing.ratio() < classes.get(current).demoteBelowRatio() ? qualified : current;
            if (target == current && (standing.userClass() == null || named(standing.userClass()).isPresent())) {
                continue;
            }
            UserClass to = classes.get(target);
            String from = classes.get(current).name();
            if (jdbc.update("UPDATE users SET user_class = ?, updated_at = ? WHERE id = ? AND NOT class_pinned",
                    to.name(), Timestamp.from(now), standing.userId()) == 0) {
                continue; // pinned since the standings were read
            }
            changes.add(new Change(standing.userId(), from, to.name(), target > current, target > current
                    ? describe(to, standing)
                    : target < current ? "ratio " + format(standing.ratio()) + " under " + from + "'s "
                            + format(classes.get(current).demoteBelowRatio())
                    : "class " + standing.userClass() + " is no longer configured"));
        }
        return changes;
    }

    /** Sets a user's class and pins it (evaluation leaves it), or unpins it; false when there is no such user. */
    public boolean pin(long userId, UserClass userClass, boolean pinned) {
        return jdbc.update("UPDATE users SET user_class = ?, class_pinned = ?, updated_at = now() WHERE id = ?",
                userClass.name(), pinned, userId) == 1;
    }

    /** Where the user stands against the next class's requirements; empty when there is no such user. */
    public Optional<Progress> progress(long userId, Instant now) {
        List<Standing> found = standings(userId, now);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Standing standing = found.get(0);
        int current = index(standing.userClass());
        if (current == classes.size() - 1) {
            return Optional.of(new Progress(classes.get(current).name(), standing.pinned(), null, List.of()));
        }
        UserClass next = classes.get(current + 1);
        return Optional.of(new Progress(classes.get(current).name(), standing.pinned(), next.name(),
                requirements(next, standing)));
    }

    private List<Standing> standings(Long userId, Instant now) {
        Long[] ids = userId == null ? new Long[0] : new Long[] {userId};
        boolean all = userId == null;
        return jdbc.query(connection -> {
            var statement = connection.prepareStatement(STANDINGS);
            for (int i = 0; i < 3; i++) {
                statement.setArray(2 * i + 1, connection.createArrayOf("bigint", ids));
                statement.setBoolean(2 * i + 2, all);
            }
            return statement;
        }, (rs, n) -> standing(rs, now));
    }

    private static Standing standing(ResultSet rs, Instant now) throws SQLException {
        long downloaded = rs.getLong("downloaded");
        long uploaded = rs.getLong("uploaded");
        long seedMillis = rs.getLong("seed_ms");
        long seeded = rs.getLong("seeded");
        return new Standing(rs.getLong("id"), rs.getString("user_class"), rs.getBoolean("class_pinned"),
                Duration.between(rs.getTimestamp("created_at").toInstant(), now), uploaded,
                downloaded == 0 ? null : (double) uploaded / downloaded, Duration.ofMillis(seedMillis),
                Duration.ofMillis(seeded == 0 ? 0 : seedMillis / seeded), rs.getLong("seeding"),
                rs.getLong("snatches"));
    }

    private int index(String name) {
        for (int i = 0; i < classes.size(); i++) {
            if (classes.get(i).name().equals(name)) {
                return i;
            }
        }
        return 0;
    }

    private int highestMet(Standing standing) {
        for (int i = classes.size() - 1; i > 0; i--) {
            if (requirements(classes.get(i), standing).stream().allMatch(Requirement::met)) {
                return i;
            }
        }
        return 0;
    }

    private static List<Requirement> requirements(UserClass c, Standing s) {
        List<Requirement> all = new ArrayList<>();
        all.add(new Requirement("accountAge", days(c.accountAge()), days(s.accountAge()),
                s.accountAge().compareTo(c.accountAge()) >= 0));
        all.add(new Requirement("uploaded", gib(c.uploaded().toBytes()), gib(s.uploaded()),
                s.uploaded() >= c.uploaded().toBytes()));
        all.add(new Requirement("ratio", format(c.ratio()), s.ratio() == null ? "no download" : format(s.ratio()),
                s.ratio() == null || s.ratio() >= c.ratio()));
        all.add(new Requirement("seedTime", days(c.seedTime()), days(s.seedTime()),
                s.seedTime().compareTo(c.seedTime()) >= 0));
        all.add(new Requirement("averageSeedTime", days(c.averageSeedTime()), days(s.averageSeedTime()),
                s.averageSeedTime().compareTo(c.averageSeedTime()) >= 0));
        all.add(new Requirement("seedingSize", gib(c.seedingSize().toBytes()), gib(s.seedingSize()),
                s.seedingSize() >= c.seedingSize().toBytes()));
        all.add(new Requirement("snatches", Integer.toString(c.snatches()), Long.toString(s.snatches()),
                s.snatches() >= c.snatches()));
        return all;
    }

    /** The requirements a class has (those above zero), with the user's values. */
    private static String describe(UserClass c, Standing s) {
        List<String> parts = new ArrayList<>();
        requirements(c, s).stream().filter(r -> !r.required().matches("0(\\.00)?( .*)?"))
                .forEach(r -> parts.add(r.name() + " " + r.actual() + " ≥ " + r.required()));
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    private static String days(Duration duration) {
        return String.format(Locale.ROOT, "%.2f days", duration.toMillis() / 86_400_000.0);
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
