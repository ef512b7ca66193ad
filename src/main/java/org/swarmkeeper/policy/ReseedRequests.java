package org.swarmkeeper.policy;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.swarmkeeper.economy.Points;

/**
 * Reseed requests ({@link ReseedProperties}), evaluated with the scheduled rules under their lock, from what
 * PostgreSQL holds of every node's peers. A swarm seen with leechers and no seeder opens a request; past
 * {@code after} its snatchers are asked: an event each, a {@code NOTIFY reseed_requests} a site can listen to,
 * and a message in their client at their next announce on any torrent. A seeder coming back closes the request
 * as reseeded, once, with its reward.
 */
@Component
public class ReseedRequests implements SmartInitializingSingleton {

    static final String RULE = "reseed";
    static final String CHANNEL = "reseed_requests";

    /** A request a user has not been told of in their client yet. */
    public record Pending(long requestId, long torrentId, String torrentName, long seederlessSinceMillis) {
    }

    private record Open(long id, long torrentId, Instant seederlessSince, Instant requestedAt) {
    }

    private record Told(long requestId, long userId) {
    }

    private static final String SEEDERLESS = """
            SELECT p.torrent_id FROM peers p JOIN torrents t ON t.id = p.torrent_id
            WHERE p.active AND t.deleted_at IS NULL
            GROUP BY p.torrent_id HAVING bool_and(NOT p.seeding)""";

    private final JdbcTemplate jdbc;
    private final PolicyEvents events;
    private final ReseedProperties properties;
    /** Closed requests are kept as long as the decision log. */
    private final Duration retention;
    private final Counter requested;
    private final Counter reseeded;
    private final Queue<Told> told = new ConcurrentLinkedQueue<>();
    private volatile Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private volatile Instant checkedAt = Instant.MIN;

    ReseedRequests(JdbcTemplate jdbc, PolicyEvents events, ReseedProperties properties, PolicyProperties policy,
                   MeterRegistry meters) {
        this.jdbc = jdbc;
        this.retention = policy.events().retention();
        this.events = events;
        this.properties = properties;
        this.requested = Counter.builder("tracker.reseed.requests").tag("outcome", "requested")
                .description("Reseed requests: swarms whose snatchers were asked, and swarms a seeder brought back")
                .register(meters);
        this.reseeded = Counter.builder("tracker.reseed.requests").tag("outcome", "reseeded").register(meters);
    }

    @Override
    public void afterSingletonsInstantiated() {
        reload();
    }

    /** The request this user is still to be told of, or {@code null}: read on the announce path, from memory. */
    public Pending pendingFor(long userId) {
        Map<Long, Pending> current = pending;
        return current.isEmpty() ? null : current.get(userId);
    }

    /** The user was told of the request in their client; written by this node's next {@link #recordTold}. */
    public void told(long userId, Pending request) {
        pending.remove(userId, request);
        told.add(new Told(request.requestId(), userId));
    }

    /**
     * Writes which users this node told of their requests; on every node, before each evaluation, in its own
     * statements (each idempotent). What cannot be written now is kept for the next time.
     */
    void recordTold(Instant now) {
        List<Told> done = new ArrayList<>();
        for (Told one = told.poll(); one != null; one = told.poll()) {
            done.add(one);
        }
        for (int i = 0; i < done.size(); i++) {
            try {
                jdbc.update("UPDATE reseed_request_users SET told_at = ? WHERE request_id = ? AND user_id = ? "
                        + "AND told_at IS NULL", Timestamp.from(now), done.get(i).requestId(), done.get(i).userId());
            } catch (DataAccessException e) {
                told.addAll(done.subList(i, done.size()));
                throw e;
            }
        }
    }

    /** Whether a check is due at {@code now}: at most every {@code check-interval}. */
    boolean due(Instant now) {
        return properties.enabled() && !now.isBefore(checkedAt.plus(properties.checkInterval()));
    }

    /** Opens, asks and closes requests; runs inside the scheduled rules' transaction, under their lock. */
    void evaluate(Instant now) {
        checkedAt = now;
        Set<Long> seederless = new HashSet<>(jdbc.queryForList(SEEDERLESS, Long.class));
        List<Open> open = jdbc.query("SELECT id, torrent_id, seederless_since, requested_at FROM reseed_requests "
                + "WHERE closed_at IS NULL", (rs, i) -> new Open(rs.getLong(1), rs.getLong(2),
                rs.getTimestamp(3).toInstant(), rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant()));
        for (Open request : open) {
            if (!seederless.remove(request.torrentId())) {
                close(request, now);
            } else if (request.requestedAt() == null && !now.isBefore(request.seederlessSince().plus(properties.after()))) {
                ask(request, now);
            }
        }
        for (long torrentId : seederless) {
            jdbc.update("INSERT INTO reseed_requests (torrent_id, seederless_since) VALUES (?, ?)", torrentId,
                    Timestamp.from(now));
        }
        jdbc.update("DELETE FROM reseed_requests WHERE closed_at < ?",
                Timestamp.from(now.minus(retention)));
    }

    /**
     * Asks the latest snatchers who are enabled and have no active peer in the swarm: no one seeds it, and a user
     * whose own leecher keeps the swarm alive is not asked (nor rewarded) for seeding it.
     */
    private void ask(Open request, Instant now) {
        jdbc.update("UPDATE reseed_requests SET requested_at = ? WHERE id = ?", Timestamp.from(now), request.id());
        List<Long> users = jdbc.queryForList("""
                INSERT INTO reseed_request_users (request_id, user_id)
                SELECT ?, h.user_id FROM user_torrent_history h JOIN users u ON u.id = h.user_id
                WHERE h.torrent_id = ? AND h.completed_at IS NOT NULL AND u.enabled
                  AND NOT EXISTS (SELECT 1 FROM peers p WHERE p.torrent_id = h.torrent_id AND p.user_id = h.user_id
                                  AND p.active)
                ORDER BY h.completed_at DESC LIMIT ?
                RETURNING user_id""", Long.class, request.id(), request.torrentId(), properties.maxUsers());
        String name = jdbc.queryForList("SELECT name FROM torrents WHERE id = ?", String.class, request.torrentId())
                .stream().findFirst().orElse("torrent " + request.torrentId());
        for (long userId : users) {
            events.recordNow(userId, request.torrentId(), new Decision(RULE, "requested", "reseed_requested",
                    "reseed request: " + name + " has had leechers and no seeder since " + request.seederlessSince()),
                    now);
        }
        jdbc.queryForObject("SELECT pg_notify(?, ?)::text", String.class, CHANNEL, "{\"request\":" + request.id()
                + ",\"torrent\":" + request.torrentId() + ",\"users\":" + users.size() + "}");
        requested.increment();
    }

    /**
     * The swarm has a seeder again, or no leecher: closed, once. A user who was asked and now seeds it is its
     * reseeder, rewarded unless they were rewarded for this torrent before (while the closed request is kept):
     * letting a torrent die and reviving it is no way to earn points.
     */
    private void close(Open request, Instant now) {
        List<Long> seeders = request.requestedAt() == null ? List.of() : jdbc.queryForList("""
                SELECT p.user_id FROM peers p
                JOIN reseed_request_users ru ON ru.request_id = ? AND ru.user_id = p.user_id
                WHERE p.torrent_id = ? AND p.active AND p.seeding
                ORDER BY p.user_id LIMIT 1""", Long.class, request.id(), request.torrentId());
        Long reseeder = seeders.isEmpty() ? null : seeders.get(0);
        boolean rewardedBefore = reseeder != null && Boolean.TRUE.equals(jdbc.queryForObject("""
                SELECT EXISTS (SELECT 1 FROM reseed_requests WHERE torrent_id = ? AND reseeded_by = ? AND reward > 0)""",
                Boolean.class, request.torrentId(), reseeder));
        long reward = reseeder == null || rewardedBefore ? 0 : Points.micros(properties.rewardPoints());
        jdbc.update("UPDATE reseed_requests SET closed_at = ?, reseeded_by = ?, reward = ? WHERE id = ?",
                Timestamp.from(now), reseeder, reward, request.id());
        if (reseeder == null) {
            return;
        }
        if (reward > 0) {
            jdbc.update("UPDATE users SET seed_points = seed_points + ?, updated_at = now() WHERE id = ?", reward,
                    reseeder);
        }
        events.recordNow(reseeder, request.torrentId(), new Decision(RULE, "reseeded", "reseeded",
                "reseeded a torrent without a seeder since " + request.seederlessSince()
                        + (reward > 0 ? "; rewarded " + properties.rewardPoints() + " points" : "")), now);
        reseeded.increment();
    }

    /** Reloads the requests users are still to be told of; after each evaluation's commit. */
    public synchronized void reload() {
        if (!properties.enabled()) {
            return;
        }
        Map<Long, Pending> found = new ConcurrentHashMap<>();
        jdbc.query("""
                SELECT ru.user_id, r.id, t.name, r.seederless_since, r.torrent_id
                FROM reseed_request_users ru JOIN reseed_requests r ON r.id = ru.request_id
                JOIN torrents t ON t.id = r.torrent_id
                WHERE ru.told_at IS NULL AND r.closed_at IS NULL ORDER BY r.id""",
                rs -> { found.put(rs.getLong(1), new Pending(rs.getLong(2), rs.getLong(5), rs.getString(3),
                        rs.getTimestamp(4).getTime())); });
        pending = found;
        // Told and not written yet, or told before this was published: not to be told again. After publishing, a
        // user told from now on is removed from this map itself.
        for (Told done : told) {
            found.computeIfPresent(done.userId(),
                    (user, request) -> request.requestId() == done.requestId() ? null : request);
        }
    }
}
