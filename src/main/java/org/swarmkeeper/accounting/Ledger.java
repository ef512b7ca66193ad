package org.swarmkeeper.accounting;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.swarm.CreditGrant;
import org.swarmkeeper.swarm.PeerState;
import org.swarmkeeper.swarm.PeerKey;

/**
 * The coalescing buffer between the announce path and PostgreSQL. Announces record into the pending batch;
 * the flusher drains it. Recording happens under the swarm's lock, so one peer's entries arrive in order.
 */
@Component
public class Ledger {

    private static final int HANGING_FLUSH_WAITS = 10;

    private final LongSupplier nanoTime;
    private final int maxPendingPeers;
    private final long maxLagNanos;
    private final long maxLagWaitMillis;
    private final long durableWaitMillis;
    /** {@link #nanoTime} of the oldest credit not yet committed, 0 when none; read without the lock. */
    private volatile long backlogSinceNanos;
    private LedgerBatch pending = new LedgerBatch();
    private boolean flushRequested;
    /** Oldest record of the batch being written, 0 when no flush is under way. */
    private long inFlightSinceNanos;
    /** When the flush under way began, 0 when none; read without the lock. */
    private volatile long inFlightStartedNanos;
    private volatile boolean lastFlushFailed;
    /** Kept current under the lock by every change of {@link #pending}, read without it. */
    private volatile boolean full;
    /** Requests {@link #awaitFlusher} held, and how long in all: whether back-pressure engages, and at what cost. */
    private final LongAdder held = new LongAdder();
    private final LongAdder heldNanos = new LongAdder();

    @Autowired
    Ledger(LedgerProperties properties) {
        this(properties, System::nanoTime);
    }

    /** {@code nanoTime}: the monotonic clock the lag is measured with ({@link System#nanoTime()}; tests set their own). */
    Ledger(LedgerProperties properties, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.maxPendingPeers = properties.maxPendingPeers();
        // Credit waits up to one interval in a healthy ledger, plus the flush's own time: only lag beyond one and
        // a half intervals is falling behind.
        this.maxLagNanos = Math.max(properties.maxLag().toNanos(), properties.flushInterval().toNanos() * 3 / 2);
        this.maxLagWaitMillis = properties.maxLagWait().toMillis();
        this.durableWaitMillis = properties.durableWait().toMillis();
    }

    /**
     * Whether an announce of this peer may change its state now. False only when the ledger is full (PostgreSQL
     * away for long) and this peer has nothing pending: then its announce must leave its baseline alone, so
     * that the client's cumulative counters carry the bytes to a later announce instead of losing them.
     */
    public boolean hasRoomFor(long torrentId, long userId, PeerId peerId) {
        if (!full) {
            return true; // the common case, without taking the ledger's lock
        }
        synchronized (this) {
            return pending.peers.size() < maxPendingPeers
                    || pending.peers.containsKey(PeerKey.of(torrentId, userId, peerId));
        }
    }

    /** Whether new peers' announces are held back because too much waits for PostgreSQL. */
    public boolean full() {
        return full;
    }

    /**
     * Publishes, for readers without the lock, what changes with {@link #pending} and the batch in flight:
     * whether the ledger is full, and the age of its backlog. Called under the lock after every such change.
     */
    private void publishState() {
        full = pending.peers.size() >= maxPendingPeers;
        backlogSinceNanos = LedgerBatch.oldest(pending.oldestRecordNanos, inFlightSinceNanos);
    }

    /**
     * Holds the calling announce or scrape while the flush lag is over {@code tracker.ledger.max-lag}, until the
     * flusher catches up or {@code max-lag-wait} passed. Not while PostgreSQL refuses flushes: waiting would not
     * help, and the outage rules (answer at once, with a warning) apply.
     */
    public void awaitFlusher() {
        if (!wouldHold()) {
            return;
        }
        long start = nanoTime.getAsLong();
        try {
            // Parks on a future, not on this monitor: a virtual thread waiting here keeps its carrier free.
            durable().get(maxLagWaitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Answered anyway: the wait is a courtesy to the flusher, not a condition of the answer.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            held.increment();
            heldNanos.add(nanoTime.getAsLong() - start);
        }
    }

    /** Whether {@link #awaitFlusher} would hold a request now. */
    public boolean wouldHold() {
        return lagging() && !lastFlushFailed && !flushHanging();
    }

    /** How many announces and scrapes back-pressure has held since start-up. */
    public long heldRequests() {
        return held.sum();
    }

    /** How long back-pressure has held them, in all. */
    public double heldNanos() {
        return heldNanos.sum();
    }

    /**
     * A flush running ten times longer than one announce may wait: PostgreSQL hangs, and waiting would not help.
     * Shorter slow flushes are the ones back-pressure is for (PostgreSQL short of CPU).
     */
    private boolean flushHanging() {
        long started = inFlightStartedNanos;
        return started != 0 && nanoTime.getAsLong() - started > HANGING_FLUSH_WAITS * maxLagWaitMillis * 1_000_000;
    }

    private boolean lagging() {
        long since = backlogSinceNanos;
        return since != 0 && nanoTime.getAsLong() - since > maxLagNanos;
    }

    int maxPendingPeers() {
        return maxPendingPeers;
    }

    /**
     * Records a peer's new state (its baseline), the state it replaces ({@code null}: none known) and the credit
     * its announce earned ({@code null}: none, the peer timed out), atomically.
     */
    synchronized void record(long torrentId, PeerState before, PeerState after, LedgerBatch.HistoryDelta credit,
                             CreditGrant grant) {
        LedgerBatch.PeerEntry entry = pending.entry(torrentId, before, after, nanoTime.getAsLong());
        if (credit != null) {
            entry.credit.add(credit);
            entry.steps.add(new LedgerBatch.Step(after, credit));
            entry.grant = entry.grant.and(grant);
        }
        publishState();
    }

    /**
     * A future that completes when everything recorded so far has committed, and a request to flush now
     * rather than at the next interval (group commit: concurrent waiters share one flush).
     */
    public synchronized CompletableFuture<Void> durable() {
        wakeFlusher();
        return pending.committed;
    }

    /**
     * Waits up to {@code tracker.ledger.durable-wait} for everything recorded so far to commit (see
     * {@link #durable()}). False when the flush failed, took longer, or the wait was interrupted (the thread keeps
     * its interrupt).
     */
    public boolean awaitDurable() {
        try {
            durable().get(durableWaitMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * True while PostgreSQL refuses flushes: announces then answer at once (with a warning) instead of
     * waiting for a commit that is not coming, and health reports it.
     */
    public boolean lastFlushFailed() {
        return lastFlushFailed;
    }

    /**
     * A batch is in PostgreSQL: its credit stops counting as lag before those waiting for it go on, so that what
     * they read next (the lag, back-pressure) already knows it.
     */
    void committed(LedgerBatch batch) {
        synchronized (this) {
            inFlightSinceNanos = 0;
            publishState();
        }
        batch.committed.complete(null);
    }

    /** Called after every flush: a failed batch was restored into {@link #pending}, which now carries its age. */
    synchronized void flushOutcome(boolean failed) {
        lastFlushFailed = failed;
        inFlightSinceNanos = 0;
        inFlightStartedNanos = 0;
        publishState();
    }

    /** How long the flush under way has run, 0 when none is. */
    public double flushRunningSeconds() {
        long started = inFlightStartedNanos;
        return started == 0 ? 0 : (nanoTime.getAsLong() - started) / 1e9;
    }

    /** Flush lag: how long the oldest credit not yet committed has waited, 0 when everything is written. */
    public double flushLagSeconds() {
        long oldest = backlogSinceNanos;
        return oldest == 0 ? 0 : (nanoTime.getAsLong() - oldest) / 1e9;
    }

    /** Number of peers whose state waits to be written. */
    public synchronized int pendingPeers() {
        return pending.peers.size();
    }

    /** Wakes the flusher without making anyone wait, e.g. to stop it. */
    synchronized void wakeFlusher() {
        flushRequested = true;
        notifyAll();
    }

    /** Waits until a flush is requested or {@code maxWaitMillis} passed. */
    synchronized void awaitFlushDue(long maxWaitMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + maxWaitMillis;
        long remaining = maxWaitMillis;
        while (!flushRequested && remaining > 0) {
            wait(remaining);
            remaining = deadline - System.currentTimeMillis();
        }
        flushRequested = false;
    }

    synchronized LedgerBatch drain() {
        LedgerBatch batch = pending;
        pending = new LedgerBatch();
        inFlightSinceNanos = batch.oldestRecordNanos;
        inFlightStartedNanos = nanoTime.getAsLong() | 1;
        publishState();
        return batch;
    }

    /** Puts a batch whose transaction rolled back in front of what was recorded since. */
    synchronized void restore(LedgerBatch failed) {
        pending.absorbOlder(failed);
        publishState();
    }
}
