package org.swarmkeeper.policy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.swarmkeeper.economy.UserClasses;

/**
 * Hit-and-run, evaluated on a schedule. A snatch of at least the minimum share of a torrent obliges the user
 * to seed it for the seed time within the grace period, unless their ratio on it reaches the torrent ratio.
 * An unmet obligation is pre-warned first (as soon as the user stops seeding, or shortly before the deadline),
 * becomes a strike at the deadline, and the strike expires after a while; meeting the obligation at any
 * point clears it. Enough active strikes take leech rights away ({@link LeechRights}).
 */
@Component
class HitAndRuns {

    static final String RULE = "hit_and_run";

    private record Obligation(long userId, long torrentId, String torrentName, Instant completedAt,
                              long seedTimeMillis, long trustedUploaded, long rawDownloaded, boolean seedingNow,
                              boolean torrentDeleted, String state, Instant deadline, Instant expiresAt) {
    }

    /**
     * Snatches with an open record, plus unmet snatches with none yet. Met snatches without a record never
     * need one, so the query stays small as history grows. The torrent ratio counts trusted upload only: raw
     * upload minus what the ledger withheld as implausible.
     */
    private static final String OBLIGATIONS = """
            SELECT h.user_id, h.torrent_id, t.name, h.completed_at, h.seed_time_ms,
                   h.raw_uploaded - h.withheld_uploaded AS trusted_uploaded, h.raw_downloaded,
                   EXISTS (SELECT 1 FROM peers p WHERE p.user_id = h.user_id AND p.torrent_id = h.torrent_id
                           AND p.active AND p.seeding) AS seeding_now,
                   t.deleted_at IS NOT NULL AS torrent_deleted, r.state, r.deadline, r.expires_at
            FROM user_torrent_history h
            JOIN torrents t ON t.id = h.torrent_id
            JOIN users u ON u.id = h.user_id
            LEFT JOIN hit_and_runs r ON r.user_id = h.user_id AND r.torrent_id = h.torrent_id
            WHERE h.completed_at IS NOT NULL AND NOT u.immune
              AND (r.state IN ('prewarned', 'struck')
                   OR (r.state IS NULL AND t.deleted_at IS NULL AND h.raw_downloaded >= ? * t.size
                       AND h.seed_time_ms < ? AND h.raw_uploaded - h.withheld_uploaded < ? * h.raw_downloaded))
            """;

    private final JdbcTemplate jdbc;
    private final PolicyEvents events;
    private final PolicyProperties.HitAndRun properties;
    private final UserClasses classes;

    HitAndRuns(JdbcTemplate jdbc, PolicyEvents events, PolicyProperties properties, UserClasses classes) {
        this.jdbc = jdbc;
        this.classes = classes;
        this.events = events;
        this.properties = properties.hitAndRun();
    }

    /** Evaluates every open obligation; runs inside the scheduled rules' transaction. */
    void evaluate(Instant now) {
        Map<Long, Integer> strikesBefore = activeStrikes();
        List<Obligation> obligations = jdbc.query(OBLIGATIONS, (rs, i) -> obligation(rs),
                properties.minDownloadedShare(), properties.seedTime().toMillis(), properties.torrentRatio());
        for (Obligation obligation : obligations) {
            if (!classes.of(obligation.userId()).hitAndRunImmune()) { // immune accounts are left out by the query
                evaluate(obligation, now);
            }
        }
        Map<Long, Integer> strikesAfter = activeStrikes();
        Set<Long> users = new HashSet<>(strikesBefore.keySet());
        users.addAll(strikesAfter.keySet());
        int limit = properties.strikeLimit();
        for (long user : users) {
            int before = strikesBefore.getOrDefault(user, 0);
            int after = strikesAfter.getOrDefault(user, 0);
            if (before < limit && after >= limit) {
                events.recordNow(user, null, new Decision(RULE, "revoked", "hit_and_run_strikes",
                        "leech rights taken away: " + after + " active hit-and-run strikes (limit " + limit + ")"), now);
            } else if (before >= limit && after < limit) {
                events.recordNow(user, null, new Decision(RULE, "restored", "hit_and_run_strikes",
                        "leech rights restored: " + after + " active hit-and-run strikes (limit " + limit + ")"), now);
            }
        }
    }

    private void evaluate(Obligation o, Instant now) {
        String torrent = "'" + o.torrentName() + "'";
        if (o.torrentDeleted()) {
            resolve(o, "cleared", now);
            events.recordNow(o.userId(), o.torrentId(), new Decision(RULE, "cleared", "torrent_deleted",
                    "hit-and-run on " + torrent + " cleared: the torrent was deleted"), now);
            return;
        }
        boolean met = o.seedTimeMillis() >= properties.seedTime().toMillis()
                || (o.rawDownloaded() > 0 && o.trustedUploaded() >= properties.torrentRatio() * o.rawDownloaded());
        String seeded = "seeded " + hours(o.seedTimeMillis()) + " of " + hours(properties.seedTime().toMillis());
        if (met) {
            if (o.state() != null) {
                resolve(o, "cleared", now);
                events.recordNow(o.userId(), o.torrentId(), new Decision(RULE, "cleared", "obligation_met",
                        "hit-and-run on " + torrent + " cleared: " + seeded + " or ratio "
                        + properties.torrentRatio() + " reached"), now);
            }
            return;
        }
        if (o.state() == null) {
            // A pre-warning always leaves at least prewarningBefore to act, also for snatches found late
            // (the first evaluation after an upgrade or an outage).
            Instant deadline = max(o.completedAt().plus(properties.gracePeriod()), now.plus(properties.prewarningBefore()));
            if (!o.seedingNow() || !now.isBefore(deadline.minus(properties.prewarningBefore()))) {
                jdbc.update("""
                        INSERT INTO hit_and_runs (user_id, torrent_id, state, deadline, prewarned_at)
                        VALUES (?, ?, 'prewarned', ?, ?)""",
                        o.userId(), o.torrentId(), Timestamp.from(deadline), Timestamp.from(now));
                events.recordNow(o.userId(), o.torrentId(), new Decision(RULE, "prewarned", "not_seeded_enough",
                        "hit-and-run warning on " + torrent + ": " + seeded + "; seed it until " + deadline
                        + " or it becomes a strike"), now);
            }
        } else if (o.state().equals("prewarned") && !now.isBefore(o.deadline())) {
            Instant expires = now.plus(properties.strikeExpiry());
            jdbc.update("UPDATE hit_and_runs SET state = 'struck', struck_at = ?, expires_at = ? "
                    + "WHERE user_id = ? AND torrent_id = ?", Timestamp.from(now), Timestamp.from(expires),
                    o.userId(), o.torrentId());
            events.recordNow(o.userId(), o.torrentId(), new Decision(RULE, "struck", "not_seeded_in_time",
                    "hit-and-run strike on " + torrent + ": " + seeded + " by " + o.deadline()
                    + "; it expires " + expires + ", seeding the torrent clears it sooner"), now);
        } else if (o.state().equals("struck") && !now.isBefore(o.expiresAt())) {
            resolve(o, "expired", now);
            events.recordNow(o.userId(), o.torrentId(), new Decision(RULE, "expired", "strike_expired",
                    "hit-and-run strike on " + torrent + " expired"), now);
        }
    }

    private void resolve(Obligation o, String state, Instant now) {
        jdbc.update("UPDATE hit_and_runs SET state = ?, resolved_at = ? WHERE user_id = ? AND torrent_id = ?",
                state, Timestamp.from(now), o.userId(), o.torrentId());
    }

    private Map<Long, Integer> activeStrikes() {
        Map<Long, Integer> strikes = new HashMap<>();
        jdbc.query("SELECT user_id, count(*) FROM hit_and_runs WHERE state = 'struck' GROUP BY user_id",
                rs -> { strikes.put(rs.getLong(1), rs.getInt(2)); });
        return strikes;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String hours(long millis) {
        return Duration.ofMillis(millis).toHours() + " h";
    }

    private static Obligation obligation(ResultSet rs) throws SQLException {
        Timestamp deadline = rs.getTimestamp("deadline");
        Timestamp expires = rs.getTimestamp("expires_at");
        return new Obligation(rs.getLong("user_id"), rs.getLong("torrent_id"), rs.getString("name"),
                rs.getTimestamp("completed_at").toInstant(), rs.getLong("seed_time_ms"), rs.getLong("trusted_uploaded"),
                rs.getLong("raw_downloaded"), rs.getBoolean("seeding_now"), rs.getBoolean("torrent_deleted"),
                rs.getString("state"), deadline == null ? null : deadline.toInstant(),
                expires == null ? null : expires.toInstant());
    }
}
