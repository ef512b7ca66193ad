package org.swarmkeeper.policy;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;
import org.swarmkeeper.accounting.Ledger;

/**
 * Runs the ratio watch and hit-and-run evaluations every {@code tracker.policy.evaluate-interval}, in one
 * transaction, right after a ledger flush. An advisory lock lets one node of several evaluate at a time; every
 * node then reloads the resulting leech rights.
 */
@Component
public class ScheduledRules {

    private static final Logger log = LoggerFactory.getLogger(ScheduledRules.class);
    /** Arbitrary, fixed: identifies the evaluation among PostgreSQL advisory locks; staff changes take it too. */
    static final long EVALUATION_LOCK = 0x5357524d_00000001L;
    /** How long an evaluation waits for the flush before it. */
    private static final long FLUSH_WAIT_SECONDS = 10;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final RatioWatch ratioWatch;
    private final HitAndRuns hitAndRuns;
    private final LeechRights leechRights;
    private final PolicyEvents events;
    private final Ledger ledger;
    private final Clock clock;
    private final Timer evaluations;

    ScheduledRules(JdbcTemplate jdbc, TransactionTemplate transactions, RatioWatch ratioWatch, HitAndRuns hitAndRuns,
                   LeechRights leechRights, PolicyEvents events, Ledger ledger, Clock clock, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.ratioWatch = ratioWatch;
        this.hitAndRuns = hitAndRuns;
        this.leechRights = leechRights;
        this.events = events;
        this.ledger = ledger;
        this.clock = clock;
        this.evaluations = Timer.builder("tracker.policy.evaluation")
                .description("Ratio watch and hit-and-run evaluations, from the flush before them to the reload after")
                .register(meters);
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

    /**
     * Evaluates both rules now (unless another node is at it) and reloads leech rights. First the ledger writes
     * what it holds: the totals then include every announce so far, and the evaluation's queries run in the
     * interval before the next flush rather than beside one. (Beside a flush, on the core PostgreSQL shares with
     * the tracker, they slowed it enough for back-pressure to hold announces: docs/PERFORMANCE.md.)
     */
    public void evaluate() {
        evaluations.record(this::flushThenEvaluate);
    }

    private void flushThenEvaluate() {
        awaitLedgerFlush();
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

    /**
     * Waits up to {@link #FLUSH_WAIT_SECONDS} for the ledger's flush. When it fails or takes longer (PostgreSQL away
     * or slow), the evaluation goes ahead on the totals already committed.
     */
    private void awaitLedgerFlush() {
        try {
            ledger.durable().get(FLUSH_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.debug("Evaluating without the ledger's latest credit: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
