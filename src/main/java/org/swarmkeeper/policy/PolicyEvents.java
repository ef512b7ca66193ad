package org.swarmkeeper.policy;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The decision log: every denial, warning, cheat finding, watch change, hit-and-run step and rights change is
 * in {@code policy_events} and counts in {@code tracker.policy.decisions{rule,outcome}}. Announce-time decisions
 * are buffered and written every second (never a database round trip per announce), aggregated: those of one
 * kind (user, torrent, rule, outcome, code) within one {@code tracker.policy.events.aggregate-window} are one row
 * with their count, first and last instant and the latest message, so a client repeating a refused announce
 * adds to a count, not rows. Scheduled and staff decisions, each a change of state, are a row each, written in
 * the transaction that makes the change.
 */
@Component
public class PolicyEvents {

    public static final String MESSAGE_RULE = "message";

    private static final Logger log = LoggerFactory.getLogger(PolicyEvents.class);
    /** Beyond this many kinds of decision unwritten (PostgreSQL away, a flood of them), new kinds are only counted. */
    static final int MAX_PENDING = 100_000;
    private static final String INSERT = """
            INSERT INTO policy_events (user_id, torrent_id, rule, outcome, code, message, created_at, last_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";
    /** Adds a window's decisions of one kind to its row; from several nodes, counts add up, the latest text stays. */
    private static final String UPSERT = """
            INSERT INTO policy_events AS e (user_id, torrent_id, rule, outcome, code, message, created_at, last_at,
                                            count, window_start)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id, (COALESCE(torrent_id, 0)), rule, outcome, code, window_start)
                WHERE window_start IS NOT NULL
            DO UPDATE SET count = e.count + EXCLUDED.count,
                          created_at = LEAST(e.created_at, EXCLUDED.created_at),
                          last_at = GREATEST(e.last_at, EXCLUDED.last_at),
                          message = CASE WHEN EXCLUDED.last_at >= e.last_at THEN EXCLUDED.message ELSE e.message END""";
    /**
     * Rows are written in this order, the same on every node, so that two nodes' flushes adding to the same rows
     * lock them in the same order and cannot deadlock.
     */
    private static final Comparator<Kind> WRITE_ORDER = Comparator.comparingLong(Kind::userId)
            .thenComparing(Kind::torrentId, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Kind::rule).thenComparing(Kind::outcome).thenComparing(Kind::code)
            .thenComparingLong(Kind::windowStart);

    /**
     * One row of the log, as the API shows it: {@code count} decisions, the first at {@code at}, the latest at
     * {@code lastAt} with its text as {@code message}; a scheduled or staff decision is a row of its own.
     */
    public record Event(long id, long userId, Long torrentId, String rule, String outcome, String code,
                        String message, Instant at, long count, Instant lastAt) {
    }

    /** Announce-time decisions counted together: one kind, one aggregation window. */
    private record Kind(long userId, Long torrentId, String rule, String outcome, String code, long windowStart) {
    }

    /** The decisions of one kind so far: how many, the first and latest instant, and the latest's message. */
    private static final class Occurrences {
        long count = 1;
        long firstMillis;
        long lastMillis;
        String message;

        Occurrences(long atMillis, String message) {
            this.firstMillis = atMillis;
            this.lastMillis = atMillis;
            this.message = message;
        }

        void add(long count, long firstMillis, long lastMillis, String message) {
            this.count += count;
            this.firstMillis = Math.min(this.firstMillis, firstMillis);
            if (lastMillis >= this.lastMillis) { // announces reach the log slightly out of order
                this.lastMillis = lastMillis;
                this.message = message;
            }
        }

        void add(Occurrences later) {
            add(later.count, later.firstMillis, later.lastMillis, later.message);
        }
    }

    private final JdbcTemplate jdbc;
    private final MeterRegistry meters;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final Counter dropped;
    private final long windowMillis;
    /**
     * Held from taking the pending rows to their commit, so that a {@link #flush()} called while another is
     * writing waits for it: whoever flushes before reading then sees every decision logged before. A lock
     * rather than a monitor, so that a virtual thread waiting for PostgreSQL does not pin its carrier.
     */
    private final ReentrantLock writing = new ReentrantLock();
    private Map<Kind, Occurrences> pending = new HashMap<>();

    PolicyEvents(JdbcTemplate jdbc, MeterRegistry meters, PolicyProperties properties) {
        this.jdbc = jdbc;
        this.meters = meters;
        this.windowMillis = properties.events().aggregateWindow().toMillis();
        this.dropped = Counter.builder("tracker.policy.events.dropped")
                .description("Policy decisions not written to the log because its buffer was full").register(meters);
    }

    /** Logs an announce-time decision into its kind's row of the current window; written with the next batch. */
    void recordLater(long userId, Long torrentId, Decision decision, long atMillis) {
        count(decision);
        Kind kind = new Kind(userId, torrentId, decision.rule(), decision.outcome(), decision.code(),
                atMillis - Math.floorMod(atMillis, windowMillis));
        synchronized (this) {
            Occurrences seen = pending.get(kind);
            if (seen != null) {
                seen.add(1, atMillis, atMillis, decision.message());
                return;
            }
            if (pending.size() < MAX_PENDING) {
                pending.put(kind, new Occurrences(atMillis, decision.message()));
                return;
            }
        }
        dropped.increment();
    }

    /** Logs a message sent to the user's client ({@code kind}: what it is about) as an announce-time decision. */
    public void recordMessage(long userId, Long torrentId, String kind, String text, long atMillis) {
        recordLater(userId, torrentId, new Decision(MESSAGE_RULE, "sent", kind, text), atMillis);
    }

    /**
     * Logs a scheduled or staff decision inside the caller's transaction; it is counted once that commits.
     * Callers {@link #flush()} first, outside their transaction, so the log keeps the order of decisions.
     */
    void recordNow(long userId, Long torrentId, Decision decision, Instant at) {
        // In milliseconds, as announce-time decisions are: decisions at one instant then read in the order written.
        Timestamp when = Timestamp.from(at.truncatedTo(ChronoUnit.MILLIS));
        jdbc.update(INSERT, userId, torrentId, decision.rule(), decision.outcome(), decision.code(),
                decision.message(), when, when);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    count(decision);
                }
            });
        } else {
            count(decision);
        }
    }

    private void count(Decision decision) {
        counters.computeIfAbsent(decision.rule() + '/' + decision.outcome(), key -> Counter
                .builder("tracker.policy.decisions").description("Policy decisions by rule and outcome")
                .tag("rule", decision.rule()).tag("outcome", decision.outcome()).register(meters)).increment();
    }

    /**
     * Writes the announce-time decisions logged so far, after a flush already under way has written its own:
     * when it returns, every decision logged before the call is in PostgreSQL (or, PostgreSQL away, kept for
     * the next try). Runs every second on its own.
     */
    @Scheduled(fixedDelayString = "1s")
    public void flush() {
        writing.lock();
        try {
            write();
        } finally {
            writing.unlock();
        }
    }

    private void write() {
        Map<Kind, Occurrences> batch;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            batch = pending;
            pending = new HashMap<>();
        }
        List<Map.Entry<Kind, Occurrences>> rows = new ArrayList<>(batch.entrySet());
        rows.sort(Map.Entry.comparingByKey(WRITE_ORDER));
        try {
            jdbc.batchUpdate(UPSERT, rows, rows.size(), (statement, row) -> {
                Kind kind = row.getKey();
                Occurrences seen = row.getValue();
                statement.setLong(1, kind.userId());
                statement.setObject(2, kind.torrentId());
                statement.setString(3, kind.rule());
                statement.setString(4, kind.outcome());
                statement.setString(5, kind.code());
                statement.setString(6, seen.message);
                statement.setTimestamp(7, new Timestamp(seen.firstMillis));
                statement.setTimestamp(8, new Timestamp(seen.lastMillis));
                statement.setLong(9, seen.count);
                statement.setTimestamp(10, new Timestamp(kind.windowStart()));
            });
        } catch (DataIntegrityViolationException e) {
            log.error("Dropped {} policy decisions PostgreSQL refuses ({})", total(batch),
                    e.getMostSpecificCause().getMessage());
        } catch (DataAccessException e) {
            log.warn("Could not write {} policy decisions ({}); keeping them for the next try", total(batch),
                    e.getMostSpecificCause().getMessage());
            synchronized (this) {
                for (Map.Entry<Kind, Occurrences> later : pending.entrySet()) {
                    Occurrences earlier = batch.get(later.getKey());
                    if (earlier != null) {
                        earlier.add(later.getValue());
                    } else if (batch.size() < MAX_PENDING) {
                        batch.put(later.getKey(), later.getValue());
                    } else {
                        dropped.increment(later.getValue().count);
                    }
                }
                pending = batch;
            }
        }
    }

    private static long total(Map<Kind, Occurrences> batch) {
        return batch.values().stream().mapToLong(seen -> seen.count).sum();
    }

    /** A user's decisions, the latest first (a row by its latest decision). */
    public List<Event> forUser(long userId, int limit) {
        flush();
        return jdbc.query(SELECT + " WHERE user_id = ?" + NEWEST_FIRST, EVENT, userId, limit);
    }

    /** Cheat detection's findings, the latest first: everyone's ({@code userId} null) or one user's. */
    public List<Event> cheatFlags(Long userId, int limit) {
        flush();
        return userId == null
                ? jdbc.query(SELECT + " WHERE rule = 'cheat'" + NEWEST_FIRST, EVENT, limit)
                : jdbc.query(SELECT + " WHERE rule = 'cheat' AND user_id = ?" + NEWEST_FIRST, EVENT, userId, limit);
    }

    private static final String SELECT = """
            SELECT id, user_id, torrent_id, rule, outcome, code, message, created_at, count, last_at
            FROM policy_events""";
    private static final String NEWEST_FIRST = " ORDER BY last_at DESC, id DESC LIMIT ?";
    private static final RowMapper<Event> EVENT = (rs, i) -> new Event(rs.getLong("id"), rs.getLong("user_id"),
            (Long) rs.getObject("torrent_id"), rs.getString("rule"), rs.getString("outcome"), rs.getString("code"),
            rs.getString("message"), rs.getTimestamp("created_at").toInstant(), rs.getLong("count"),
            rs.getTimestamp("last_at").toInstant());
}
