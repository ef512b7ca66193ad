package org.swarmkeeper.policy;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.swarmkeeper.users.UserAccount;

/** A user's standing as admins and users read it: requirement, ratio watch, hit-and-runs, leech rights. */
@Component
public class Standings {

    /** {@code ratioWatch} is {@code null} when the user is not on watch; dates of the last evaluation. */
    public record Standing(Double requiredRatio, Double seedingShare, Instant evaluatedAt, Watch ratioWatch,
                           boolean ratioRevoked, boolean leechingAllowed, String leechingDeniedBecause,
                           int activeStrikes, int strikeLimit, List<HitAndRun> hitAndRuns) {
    }

    public record Watch(Instant startedAt, Instant endsAt, long downloadedAtStart) {
    }

    public record HitAndRun(long torrentId, String infoHash, String torrent, String state, Instant deadline, Instant prewarnedAt,
                            Instant struckAt, Instant expiresAt, Instant resolvedAt) {
    }

    private record Row(Double requiredRatio, Double seedingShare, Instant evaluatedAt, Watch watch,
                       boolean revoked) {
    }

    private final JdbcTemplate jdbc;
    private final LeechRights leechRights;

    Standings(JdbcTemplate jdbc, LeechRights leechRights) {
        this.jdbc = jdbc;
        this.leechRights = leechRights;
    }

    public Standing of(UserAccount user) {
        Row row = jdbc.query("SELECT * FROM user_standing WHERE user_id = ?", rs -> {
            if (!rs.next()) {
                return new Row(null, null, null, null, false);
            }
            Timestamp started = rs.getTimestamp("watch_started_at");
            return new Row(rs.getDouble("required_ratio"), rs.getDouble("seeding_share"),
                    rs.getTimestamp("evaluated_at").toInstant(),
                    started == null ? null : new Watch(started.toInstant(),
                            rs.getTimestamp("watch_ends_at").toInstant(), rs.getLong("watch_downloaded_at_start")),
                    rs.getTimestamp("revoked_at") != null);
        }, user.id());
        List<HitAndRun> hitAndRuns = jdbc.query("""
                SELECT r.*, t.name, t.info_hash FROM hit_and_runs r JOIN torrents t ON t.id = r.torrent_id
                WHERE r.user_id = ? ORDER BY r.prewarned_at DESC""",
                (rs, i) -> new HitAndRun(rs.getLong("torrent_id"), HexFormat.of().formatHex(rs.getBytes("info_hash")),
                        rs.getString("name"), rs.getString("state"),
                        instant(rs.getTimestamp("deadline")), instant(rs.getTimestamp("prewarned_at")),
                        instant(rs.getTimestamp("struck_at")), instant(rs.getTimestamp("expires_at")),
                        instant(rs.getTimestamp("resolved_at"))),
                user.id());
        int strikes = (int) hitAndRuns.stream().filter(h -> h.state().equals("struck")).count();
        String denied = leechRights.leechingDeniedBecause(user);
        return new Standing(row.requiredRatio(), row.seedingShare(), row.evaluatedAt(), row.watch(), row.revoked(),
                denied == null, denied, strikes, leechRights.strikeLimit(), hitAndRuns);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
