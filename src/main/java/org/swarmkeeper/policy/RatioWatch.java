package org.swarmkeeper.policy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * The ratio watch, evaluated on a schedule (snatches of deleted torrents, which cannot be seeded any more,
 * leave the seeding share): a user whose credited ratio falls under the requirement is put
 * on watch; still under when it ends, or having downloaded more than the limit meanwhile, they lose leech
 * rights; meeting the requirement again ends the watch or gives the rights back. Immune users are left out.
 */
@Component
class RatioWatch {

    static final String RULE = "ratio_watch";

    /** A user's totals, snatches and the standing stored by the previous evaluation. */
    private record Row(long userId, long uploaded, long downloaded, boolean immune, long snatched, long seeding,
                       boolean evaluated, Double storedRatio, double storedRequired, double storedShare,
                       Instant watchStartedAt,
                       Instant watchEndsAt, long watchDownloadedAtStart, Instant revokedAt, String revokedCode) {

        boolean watching() {
            return watchStartedAt != null;
        }
    }

    private static final String USERS = """
            SELECT u.id, u.uploaded, u.downloaded, u.immune,
                   coalesce(s.snatched, 0) AS snatched, coalesce(s.seeding, 0) AS seeding,
                   st.user_id IS NOT NULL AS evaluated, st.ratio, st.required_ratio, st.seeding_share, st.watch_started_at,
                   st.watch_ends_at, st.watch_downloaded_at_start, st.revoked_at, st.revoked_code
            FROM users u
            LEFT JOIN (SELECT h.user_id, count(*) AS snatched,
                              count(*) FILTER (WHERE EXISTS (
                                  SELECT 1 FROM peers p WHERE p.user_id = h.user_id AND p.torrent_id = h.torrent_id
                                  AND p.active AND p.seeding)) AS seeding
                       FROM user_torrent_history h JOIN torrents t ON t.id = h.torrent_id
                       WHERE h.completed_at IS NOT NULL AND t.deleted_at IS NULL GROUP BY h.user_id) s
                   ON s.user_id = u.id
            LEFT JOIN user_standing st ON st.user_id = u.id
            """;
    private static final String SAVE = """
            INSERT INTO user_standing AS st (user_id, ratio, required_ratio, seeding_share, watch_started_at,
                                             watch_ends_at, watch_downloaded_at_start, revoked_at, revoked_code,
                                             evaluated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET ratio = EXCLUDED.ratio, required_ratio = EXCLUDED.required_ratio,
                seeding_share = EXCLUDED.seeding_share, watch_started_at = EXCLUDED.watch_started_at,
                watch_ends_at = EXCLUDED.watch_ends_at, watch_downloaded_at_start = EXCLUDED.watch_downloaded_at_start,
                revoked_at = EXCLUDED.revoked_at, revoked_code = EXCLUDED.revoked_code,
                evaluated_at = EXCLUDED.evaluated_at
            """;

    private final JdbcTemplate jdbc;
    private final PolicyEvents events;
    private final RequiredRatio requiredRatio;
    private final PolicyProperties.RatioWatch properties;

    RatioWatch(JdbcTemplate jdbc, PolicyEvents events, PolicyProperties properties) {
        this.jdbc = jdbc;
        this.events = events;
        this.requiredRatio = RequiredRatio.parse(properties.requiredRatio());
        this.properties = properties.ratioWatch();
    }

    /**
     * Evaluates every user; runs inside the scheduled rules' transaction. The changed standings are saved in one
     * JDBC batch, not a round trip each: credit moves most users' ratios every interval.
     */
    void evaluate(Instant now) {
        List<Object[]> changed = new ArrayList<>();
        for (Row row : jdbc.query(USERS, (rs, i) -> row(rs))) {
            Object[] standing = evaluate(row, now);
            if (standing != null) {
                changed.add(standing);
            }
        }
        jdbc.batchUpdate(SAVE, changed);
    }

    /** Records the user's decisions; returns their new standing as {@link #SAVE}'s parameters, null when unchanged. */
    private Object[] evaluate(Row user, Instant now) {
        double share = user.snatched() == 0 ? 0 : (double) user.seeding() / user.snatched();
        double required = requiredRatio.of(user.downloaded(), share);
        Double ratio = user.downloaded() == 0 ? null : (double) user.uploaded() / user.downloaded();
        boolean under = ratio != null && ratio < required;
        String numbers = "ratio " + (ratio == null ? "∞" : LeechRights.ratio(ratio)) + " "
                + (under ? "is under" : "meets") + " the required " + LeechRights.required(required);

        Instant watchStartedAt = user.watchStartedAt();
        Instant watchEndsAt = user.watchEndsAt();
        long downloadedAtStart = user.watchDownloadedAtStart();
        Instant revokedAt = user.revokedAt();
        String revokedCode = user.revokedCode();
        // Revoked and still under: rights stay away until the requirement is met; only the numbers are refreshed.
        if (user.immune() || !under) {
            String why = user.immune() ? "immune" : "ratio_recovered";
            if (revokedAt != null) {
                events.recordNow(user.userId(), null, new Decision(RULE, "restored", why,
                        "leech rights restored: " + (user.immune() ? "account is immune" : numbers)), now);
            } else if (user.watching()) {
                events.recordNow(user.userId(), null, new Decision(RULE, "ended", why,
                        "ratio watch ended: " + (user.immune() ? "account is immune" : numbers)), now);
            }
            watchStartedAt = null;
            watchEndsAt = null;
            revokedAt = null;
            revokedCode = null;
        } else if (revokedAt == null && !user.watching()) {
            watchStartedAt = now;
            watchEndsAt = now.plus(properties.duration());
            downloadedAtStart = user.downloaded();
            events.recordNow(user.userId(), null, new Decision(RULE, "started", "ratio_under_required",
                    "ratio watch until " + watchEndsAt + ": " + numbers + "; seed to raise it, or leech rights are "
                    + "taken away (also after downloading " + size(properties.downloadLimit()) + " meanwhile)"), now);
        } else if (revokedAt == null) {
            long downloadedSince = user.downloaded() - downloadedAtStart;
            if (!now.isBefore(watchEndsAt)) {
                revokedCode = "ratio_watch_expired";
                events.recordNow(user.userId(), null, new Decision(RULE, "revoked", revokedCode,
                        "leech rights taken away: the ratio watch ended and " + numbers), now);
            } else if (downloadedSince > properties.downloadLimit().toBytes()) {
                revokedCode = "ratio_watch_download_limit";
                events.recordNow(user.userId(), null, new Decision(RULE, "revoked", revokedCode,
                        "leech rights taken away: downloaded " + size(DataSize.ofBytes(downloadedSince))
                        + " during the ratio watch (limit " + size(properties.downloadLimit()) + ") and " + numbers), now);
            }
            if (revokedCode != null) {
                revokedAt = now;
            }
        }
        boolean changed = !user.evaluated() || !same(ratio, user.storedRatio()) || required != user.storedRequired()
                || share != user.storedShare()
                || !Objects.equals(watchStartedAt, user.watchStartedAt()) || !Objects.equals(revokedAt, user.revokedAt());
        if (!changed) {
            return null;
        }
        return new Object[] {user.userId(), ratio, required, share, timestamp(watchStartedAt), timestamp(watchEndsAt),
                watchStartedAt == null ? null : downloadedAtStart, timestamp(revokedAt), revokedCode,
                Timestamp.from(now)};
    }

    private static boolean same(Double a, Double b) {
        return a == null ? b == null : a.equals(b);
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    static String size(DataSize size) {
        return String.format(Locale.ROOT, "%.1f GiB", size.toBytes() / (double) (1L << 30));
    }

    private static Row row(ResultSet rs) throws SQLException {
        Timestamp started = rs.getTimestamp("watch_started_at");
        Timestamp ends = rs.getTimestamp("watch_ends_at");
        Timestamp revoked = rs.getTimestamp("revoked_at");
        return new Row(rs.getLong("id"), rs.getLong("uploaded"), rs.getLong("downloaded"), rs.getBoolean("immune"),
                rs.getLong("snatched"), rs.getLong("seeding"), rs.getBoolean("evaluated"),
                (Double) rs.getObject("ratio"), rs.getDouble("required_ratio"), rs.getDouble("seeding_share"),
                started == null ? null : started.toInstant(), ends == null ? null : ends.toInstant(),
                rs.getLong("watch_downloaded_at_start"), revoked == null ? null : revoked.toInstant(),
                rs.getString("revoked_code"));
    }
}
