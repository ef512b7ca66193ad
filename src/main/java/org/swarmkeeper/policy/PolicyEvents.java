package org.swarmkeeper.policy;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * The decision log: every denial, warning, watch change, hit-and-run step and rights change becomes a row in
 * {@code policy_events} and counts in {@code tracker.policy.decisions{rule,outcome}}. Announce-time decisions
 * are buffered and written every second (never a database round trip per announce); scheduled ones are
 * written in the transaction that changes the state they explain.
 */
@Component
public class PolicyEvents {

    private static final Logger log = LoggerFactory.getLogger(PolicyEvents.class);
    /** Beyond this many unwritten rows (PostgreSQL away and a flood of denials), new ones are only counted. */
    static final int MAX_PENDING = 100_000;
    private static final String INSERT = """
            INSERT INTO policy_events (user_id, torrent_id, rule, outcome, code, message, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)""";

    /** One row of the log, as the API shows it. */
    public record Event(long id, long userId, Long torrentId, String rule, String outcome, String code,
                        String message, Instant at) {
    }

    private record Pending(long userId, Long torrentId, Decision decision, long atMillis) {
    }

    private final JdbcTemplate jdbc;
    private final MeterRegistry meters;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final Counter dropped;
    /**
     * Held from taking the pending rows to their commit, so that a {@link #flush()} called while another is
     * writing waits for it: whoever flushes before reading then sees every decision logged before. A lock
     * rather than a monitor, so that a virtual thread waiting for PostgreSQL does not pin its carrier.
     */
    private final ReentrantLock writing = new ReentrantLock();
    private List<Pending> pending = new ArrayList<>();

    PolicyEvents(JdbcTemplate jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.meters = meters;
        this.dropped = Counter.builder("tracker.policy.events.dropped")
                .description("Decision log rows not written because the buffer was full").register(meters);
    }

    /** Logs an announce-time decision; written with the next batch. */
    void recordLater(long userId, Long torrentId, Decision decision, long atMillis) {
        count(decision);
        synchronized (this) {
            if (pending.size() < MAX_PENDING) {
                pending.add(new Pending(userId, torrentId, decision, atMillis));
                return;
            }
        }
        dropped.increment();
    }

    /**
     * Logs a scheduled or staff decision inside the caller's transaction; it is counted once that commits.
     * Callers {@link #flush()} first, outside their transaction, so the log keeps the order of decisions.
     */
    void recordNow(long userId, Long torrentId, Decision decision, Instant at) {
        jdbc.update(INSERT, userId, torrentId, decision.rule(), decision.outcome(), decision.code(),
                decision.message(), Timestamp.from(at));
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
     * when it returns, every decision logged before the call is in PostgreSQL (or kept for the next try when
     * PostgreSQL refused it). Runs every second on its own.
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
        List<Pending> batch;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            batch = pending;
            pending = new ArrayList<>();
        }
        try {
            jdbc.batchUpdate(INSERT, batch, batch.size(), (statement, row) -> {
                statement.setLong(1, row.userId());
                statement.setObject(2, row.torrentId());
                statement.setString(3, row.decision().rule());
                statement.setString(4, row.decision().outcome());
                statement.setString(5, row.decision().code());
                statement.setString(6, row.decision().message());
                statement.setTimestamp(7, new Timestamp(row.atMillis()));
            });
        } catch (DataIntegrityViolationException e) {
            log.error("Dropped {} policy decisions PostgreSQL refuses ({})", batch.size(),
                    e.getMostSpecificCause().getMessage());
        } catch (DataAccessException e) {
            log.warn("Could not write {} policy decisions ({}); keeping them for the next try", batch.size(),
                    e.getMostSpecificCause().getMessage());
            synchronized (this) {
                batch.addAll(pending);
                int excess = batch.size() - MAX_PENDING;
                if (excess > 0) {
                    batch.subList(batch.size() - excess, batch.size()).clear();
                    dropped.increment(excess);
                }
                pending = batch;
            }
        }
    }

    /** A user's newest decisions first. */
    public List<Event> forUser(long userId, int limit) {
        flush();
        return jdbc.query(SELECT + " WHERE user_id = ? ORDER BY id DESC LIMIT ?", EVENT, userId, limit);
    }

    /** Cheat detection's findings, newest first: everyone's ({@code userId} null) or one user's. */
    public List<Event> cheatFlags(Long userId, int limit) {
        flush();
        return userId == null
                ? jdbc.query(SELECT + " WHERE rule = 'cheat' ORDER BY id DESC LIMIT ?", EVENT, limit)
                : jdbc.query(SELECT + " WHERE rule = 'cheat' AND user_id = ? ORDER BY id DESC LIMIT ?", EVENT, userId,
                        limit);
    }

    private static final String SELECT =
            "SELECT id, user_id, torrent_id, rule, outcome, code, message, created_at FROM policy_events";
    private static final RowMapper<Event> EVENT = (rs, i) -> new Event(rs.getLong("id"), rs.getLong("user_id"),
            (Long) rs.getObject("torrent_id"), rs.getString("rule"), rs.getString("outcome"), rs.getString("code"),
            rs.getString("message"), rs.getTimestamp("created_at").toInstant());
}
