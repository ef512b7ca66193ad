package org.swarmkeeper.policy;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

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
import org.swarmkeeper.economy.EconomyProperties;
import org.swarmkeeper.economy.UserClasses;
import org.swarmkeeper.users.UserDirectory;

/**
 * Runs the ratio watch and hit-and-run evaluations every {@code tracker.policy.evaluate-interval}, the user
 * classes' promotions and demotions at most every {@code tracker.economy.class-interval}, and reseed requests at
 * most every {@code tracker.reseed.check-interval}, in one transaction, right after a ledger flush. An advisory lock
 * lets one node of several evaluate at a time; every node then reloads the resulting leech rights, peer list grades
 * and reseed requests.
 */
@Component
public class ScheduledRules {

    private static final Logger log = LoggerFactory.getLogger(ScheduledRules.class);
    /** Arbitrary, fixed: identifies the evaluation among PostgreSQL advisory locks; staff changes take it too. */
    static final long EVALUATION_LOCK = 0x5357524d_00000001L;
    static final String CLASS_RULE = "class";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final RatioWatch ratioWatch;
    private final HitAndRuns hitAndRuns;
    private final UserClasses classes;
    private final long classIntervalMillis;
    /** When this node last evaluated classes; they are evaluated at most every {@code class-interval}. */
    private volatile Instant classesEvaluatedAt = Instant.MIN;
    private final UserDirectory users;
    private final LeechRights leechRights;
    private final PeerGrades grades;
    private final ReseedRequests reseeds;
    private final PolicyEvents events;
    private final Ledger ledger;
    private final Clock clock;
    private final Timer evaluations;
    private final Timer skipped;

    ScheduledRules(JdbcTemplate jdbc, TransactionTemplate transactions, RatioWatch ratioWatch, HitAndRuns hitAndRuns,
                   UserClasses classes, EconomyProperties economy, UserDirectory users, LeechRights leechRights,
                   PeerGrades grades, ReseedRequests reseeds, PolicyEvents events, Ledger ledger, Clock clock,
                   MeterRegistry meters) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.ratioWatch = ratioWatch;
        this.hitAndRuns = hitAndRuns;
        this.classes = classes;
        this.classIntervalMillis = economy.classInterval().toMillis();
        this.users = users;
        this.leechRights = leechRights;
        this.grades = grades;
        this.reseeds = reseeds;
        this.events = events;
        this.ledger = ledger;
        this.clock = clock;
        this.evaluations = evaluationTimer("evaluated", meters);
        this.skipped = evaluationTimer("skipped", meters);
    }

    /** Evaluations from the flush before them to the reload after; {@code skipped}: another node held the lock. */
    private static Timer evaluationTimer(String outcome, MeterRegistry meters) {
        return Timer.builder("tracker.policy.evaluation").tag("outcome", outcome)
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
     * Evaluates both rules now, unless another node is at it, and reloads leech rights; true when this node
     * evaluated. It starts right after this node's ledger has written what it holds: its totals then include this
     * node's announces so far, and its reads start just after a flush rather than in the middle of one, which on a
     * core shared with PostgreSQL slowed that flush enough for back-pressure to hold announces. When the flush
     * fails or takes longer than {@code tracker.ledger.durable-wait}, it goes ahead on what is committed.
     */
    public boolean evaluate() {
        Timer.Sample sample = Timer.start();
        if (!ledger.awaitDurable() && Thread.currentThread().isInterrupted()) {
            return false; // shutting down
        }
        // PostgreSQL keeps microseconds and rounds the rest: compare instants it stored with a 'now' it could store.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        events.flush(); // announces' decisions so far come before this evaluation's in the log
        reseeds.recordTold(now); // every node, evaluating or not
        List<UserClasses.Change> classChanges = new ArrayList<>();
        boolean classesDue = !now.isBefore(classesEvaluatedAt.plusMillis(classIntervalMillis));
        boolean evaluated = Boolean.TRUE.equals(transactions.execute(status -> {
            if (!Boolean.TRUE.equals(jdbc.queryForObject("SELECT pg_try_advisory_xact_lock(?)", Boolean.class,
                    EVALUATION_LOCK))) {
                return false;
            }
            ratioWatch.evaluate(now);
            hitAndRuns.evaluate(now);
            if (reseeds.due(now)) {
                // Behind a savepoint (in SQL: the JPA transaction manager offers none): a failure there leaves the
                // ratio watch's and hit-and-run's work to commit.
                jdbc.execute("SAVEPOINT reseeds");
                try {
                    reseeds.evaluate(now);
                    jdbc.execute("RELEASE SAVEPOINT reseeds");
                } catch (DataAccessException e) {
                    jdbc.execute("ROLLBACK TO SAVEPOINT reseeds");
                    log.warn("Reseed requests were not evaluated ({}); trying at the next check",
                            e.getMostSpecificCause().getMessage());
                }
            }
            if (classesDue) {
                classChanges.addAll(classes.evaluate(now));
                classChanges.forEach(change -> events.recordNow(change.userId(), null, new Decision(CLASS_RULE,
                        change.promoted() ? "promoted" : "demoted", change.promoted() ? "class_promoted"
                        : "class_demoted", (change.promoted() ? "promoted from " : "demoted from ") + change.from()
                        + " to " + change.to() + ": " + change.why()), now));
            }
            return true;
        }));
        if (evaluated && classesDue) {
            classesEvaluatedAt = now;
        }
        classChanges.forEach(change -> users.refresh(change.userId()));
        leechRights.reload();
        grades.reload();
        reseeds.reload();
        sample.stop(evaluated ? evaluations : skipped);
        return evaluated;
    }
}
