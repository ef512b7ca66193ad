package org.swarmkeeper.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.swarmkeeper.economy.UserClasses;
import org.swarmkeeper.users.UserAccount;

/** One user's hit-and-run obligation on one torrent as it stands now, for telling the user what is still owed. */
@Component
public class SeedObligations {

    /** Seed time still owed, and the deadline it is owed by. */
    public record Unmet(Duration seedTimeLeft, Instant deadline) {
    }

    /** A snatch that obliges (as {@link HitAndRuns} judges it) and is not met yet; strikes already given are left out. */
    private static final String UNMET = """
            SELECT h.completed_at, h.seed_time_ms, r.deadline
            FROM user_torrent_history h JOIN torrents t ON t.id = h.torrent_id
            LEFT JOIN hit_and_runs r ON r.user_id = h.user_id AND r.torrent_id = h.torrent_id
            WHERE h.user_id = ? AND h.torrent_id = ? AND h.completed_at IS NOT NULL AND t.deleted_at IS NULL
              AND (r.state IS NULL OR r.state = 'prewarned')
              AND h.raw_downloaded >= ? * t.size AND h.seed_time_ms < ?
              AND h.raw_uploaded - h.withheld_uploaded < ? * h.raw_downloaded""";

    private final JdbcTemplate jdbc;
    private final UserClasses classes;
    private final PolicyProperties.HitAndRun properties;

    SeedObligations(JdbcTemplate jdbc, UserClasses classes, PolicyProperties properties) {
        this.jdbc = jdbc;
        this.classes = classes;
        this.properties = properties.hitAndRun();
    }

    /** The unmet obligation of this user on this torrent, or {@code null}; reads PostgreSQL. */
    public Unmet unmet(UserAccount user, long torrentId) {
        if (user.immune() || classes.of(user).hitAndRunImmune()) {
            return null;
        }
        List<Unmet> found = jdbc.query(UNMET, (rs, i) -> new Unmet(
                        properties.seedTime().minusMillis(rs.getLong(2)),
                        rs.getTimestamp(3) != null ? rs.getTimestamp(3).toInstant() // pre-warned: its deadline
                                : rs.getTimestamp(1).toInstant().plus(properties.gracePeriod())),
                user.id(), torrentId, properties.minDownloadedShare(), properties.seedTime().toMillis(),
                properties.torrentRatio());
        return found.isEmpty() ? null : found.get(0);
    }
}
