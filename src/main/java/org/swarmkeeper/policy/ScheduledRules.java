package org.swarmkeeper.policy;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the ratio watch and hit-and-run evaluations every {@code tracker.policy.evaluate-interval}, in one
 * transaction. An advisory lock lets one node of several evaluate at a time; every node then reloads the
 * resulting leech rights.
 */
@Component
public class ScheduledRules {

    private static final Logger log = LoggerFactory.getLogger(ScheduledRules.class);
    /** Arbitrary, fixed: identifies the evaluation among PostgreSQL advisory locks; staff changes take it too. */
    static final long EVALUATION_LOCK = 0x5357524d_00000001L;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final RatioWatch ratioWatch;
    private final HitAndRuns hitAndRuns;
    private final LeechRights leechRights;
    private final PolicyEvents events;
    private final Clock clock;

    ScheduledRules(JdbcTemplate jdbc, TransactionTemplate transactions, RatioWatch ratioWatch, HitAndRuns hitAndRuns,
                   LeechRights leechRights, PolicyEvents events, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.ratioWatch = ratioWatch;
        this.hitAndRuns = hitAndRuns;
        this.leechRights = leechRights;
        this.events = events;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${tracker.policy.evaluate-interval:1m}")
    void scheduled() {
        try {
            evaluate();
        } catch (DataAccessException | TransactionException e) {
            log.warn("Ratio watch and hit-and-run evaluation failed ({}); retrying at the next interval",
                    e.getMostSpecificCause().getMessage());
        }
    }

    /** Evaluates both rules now (unless another node is at it) and reloads leech rights. */
    public void evaluate() {
        // PostgreSQL keeps microseconds and rounds the rest: compare instants it stored with a 'now' it could store.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        events.flush(); // announces' decisions so far come before this evaluation's in the log
        transactions.executeWithoutResult(status -> {
            if (Boolean.TRUE.equals(jdbc.queryForObject("SELECT pg_try_advisory_xact_lock(?)", Boolean.class,
                    EVALUATION_LOCK))) {
                ratioWatch.evaluate(now);
                hitAndRuns.evaluate(now);
            }
        });
        leechRights.reload();
    }
}
