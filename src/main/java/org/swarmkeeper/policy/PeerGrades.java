package org.swarmkeeper.policy;

import java.sql.Timestamp;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.swarmkeeper.economy.UserClasses;
import org.swarmkeeper.users.UserAccount;

/**
 * Each user's grade for peer lists ({@link PolicyProperties.Grading}), as the last evaluation of the scheduled
 * rules left their standing. Only users short of good standing are held, reloaded after every evaluation; the
 * announce path reads them from memory.
 */
@Component
public class PeerGrades implements SmartInitializingSingleton {

    public enum Grade {
        GOOD, FAIR, WATCH;

        /** The metric tag and the name in docs. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A user short of good standing, with the numbers of the evaluation that found it.
     *
     * @param watchEndsAtMillis when the ratio watch ends, 0 when not on watch
     */
    public record Shortfall(Grade grade, double ratio, double required, long watchEndsAtMillis) {
    }

    private static final String SHORT = """
            SELECT user_id, ratio, required_ratio, watch_ends_at, watch_started_at IS NOT NULL OR revoked_at IS NOT NULL
            FROM user_standing
            WHERE watch_started_at IS NOT NULL OR revoked_at IS NOT NULL
               OR (ratio < ? AND NOT (ratio >= required_ratio AND seeding_share >= ?))""";

    private final JdbcTemplate jdbc;
    private final UserClasses classes;
    private final PolicyProperties.Grading grading;
    private volatile Map<Long, Shortfall> shortfalls = Map.of();

    PeerGrades(JdbcTemplate jdbc, UserClasses classes, PolicyProperties properties) {
        this.jdbc = jdbc;
        this.classes = classes;
        this.grading = properties.grading();
    }

    @Override
    public void afterSingletonsInstantiated() {
        reload();
    }

    /** Synchronized: each caller reloads after its own commit, so the last reload sees every commit before it. */
    public synchronized void reload() {
        Map<Long, Shortfall> found = new HashMap<>();
        jdbc.query(SHORT, rs -> {
            Timestamp ends = rs.getTimestamp(4);
            found.put(rs.getLong(1), new Shortfall(rs.getBoolean(5) ? Grade.WATCH : Grade.FAIR, rs.getDouble(2),
                    rs.getDouble(3), ends == null ? 0 : ends.getTime()));
        }, grading.goodRatio(), grading.goodSeedingShare());
        shortfalls = found;
    }

    /** How this user falls short of good standing, or {@code null} when they do not. */
    public Shortfall shortfall(UserAccount user) {
        if (!grading.enabled() || user.immune()) {
            return null;
        }
        Shortfall shortfall = shortfalls.get(user.id());
        return shortfall == null || classes.of(user).goodStanding() ? null : shortfall;
    }

    /** The share of the swarm's seeders a leecher of this grade may be given (of at most numwant). */
    public double seederShare(Grade grade) {
        return switch (grade) {
            case GOOD -> 1;
            case FAIR -> grading.fairSeederShare();
            case WATCH -> grading.watchSeederShare();
        };
    }

    /** A watched leecher's interval as a multiple of the usual one (1 with grading off): the longest handed out. */
    public double longestIntervalFactor() {
        return grading.enabled() ? grading.watchIntervalFactor() : 1;
    }
}
