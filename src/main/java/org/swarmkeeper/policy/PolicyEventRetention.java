package org.swarmkeeper.policy;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes the decision log's rows whose latest decision is older than {@code tracker.policy.events.retention},
 * every {@code tracker.policy.events.purge-interval}, in transactions of at most {@link #BATCH} rows, so that a
 * long backlog never becomes one huge transaction. One node of several purges: each batch takes an advisory lock,
 * as the scheduled rules do, and a node that finds it taken leaves the rest to the holder.
 */
@Component
class PolicyEventRetention {

    private static final Logger log = LoggerFactory.getLogger(PolicyEventRetention.class);
    /** Arbitrary, fixed: identifies the purge among PostgreSQL advisory locks, beside the evaluation's. */
    static final long PURGE_LOCK = 0x5357524d_00000002L;
    static final int BATCH = 10_000;
    private static final String DELETE = """
            DELETE FROM policy_events WHERE id IN (
                SELECT id FROM policy_events WHERE last_at < ? ORDER BY last_at LIMIT ?)""";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Duration retention;

    PolicyEventRetention(JdbcTemplate jdbc, TransactionTemplate transactions, Clock clock,
                         PolicyProperties properties) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.retention = properties.events().retention();
    }

    @Scheduled(fixedDelayString = "${tracker.policy.events.purge-interval:1h}")
    void scheduled() {
        try {
            purge();
        } catch (DataAccessException | TransactionException e) {
            log.warn("Deleting policy events past their retention failed ({}); retrying at the next interval",
                    e.getMostSpecificCause().getMessage());
        }
    }

    /** Deletes every row past the retention now, unless another node is at it; true when this node did. */
    boolean purge() {
        Timestamp cutoff = Timestamp.from(clock.instant().minus(retention));
        long deleted = 0;
        Integer batch;
        do {
            batch = transactions.execute(status -> Boolean.TRUE.equals(jdbc.queryForObject(
                    "SELECT pg_try_advisory_xact_lock(?)", Boolean.class, PURGE_LOCK))
                    ? jdbc.update(DELETE, cutoff, BATCH) : null);
            deleted += batch == null ? 0 : batch;
        } while (batch != null && batch == BATCH);
        if (deleted > 0) {
            log.info("Deleted {} policy events whose latest decision was before {}", deleted, cutoff.toInstant());
        }
        return batch != null;
    }
}
