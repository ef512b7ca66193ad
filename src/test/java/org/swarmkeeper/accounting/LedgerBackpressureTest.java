package org.swarmkeeper.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.swarm.CreditGrant;
import org.swarmkeeper.swarm.PeerState;

/**
 * tracker.ledger.max-lag: announces wait for a flusher that fell behind, but never for a dead or hanging
 * PostgreSQL, and never longer than max-lag-wait. The ledger's monotonic clock is the test's: lag and hang times
 * are set, not waited for.
 */
class LedgerBackpressureTest {

    private static final long MILLI = 1_000_000;
    private final AtomicLong nanos = new AtomicLong(1_000 * MILLI);
    private final Ledger ledger = new Ledger(new LedgerProperties(Duration.ofMillis(10), Duration.ofSeconds(5),
            1000, Duration.ofMillis(50), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(10),
            Duration.ofSeconds(60), 0.9), nanos::get);

    private static void recordOnePeer(Ledger ledger) {
        ledger.record(1, null, new PeerState(1, PeerId.of(new byte[20]), null, new byte[] {127, 0, 0, 1, 26, (byte) 225},
                null, 0, 0, 100, false, "test", 0, 0, true, false, false), null, CreditGrant.FULL);
    }

    private void advance(long millis) {
        nanos.addAndGet(millis * MILLI);
    }

    @Test
    void aFreshBacklogHoldsNobody() throws Exception {
        recordOnePeer(ledger);
        CompletableFuture.runAsync(ledger::awaitFlusher).get(1, TimeUnit.SECONDS);
        assertThat(ledger.heldRequests()).isZero();
    }

    @Test
    void anAnnounceWaitsWhileTheLagIsOverTheLimitAndGoesOnOnceTheFlusherCaughtUp() throws Exception {
        recordOnePeer(ledger);
        advance(100); // older than max-lag
        LedgerBatch inFlight = ledger.drain();
        assertThat(ledger.wouldHold()).isTrue();
        CompletableFuture<Void> next = ledger.durable(); // what a held announce waits for
        CompletableFuture<Void> announce = CompletableFuture.runAsync(ledger::awaitFlusher);
        while (next.getNumberOfDependents() == 0) {
            Thread.onSpinWait(); // until the announce waits (max-lag-wait, 10 s, is far away)
        }
        assertThat(announce).as("held while the batch is being written").isNotDone();
        advance(120);
        inFlight.committed.complete(null);
        ledger.flushOutcome(false);
        ledger.drain().committed.complete(null); // the flusher's next round: nothing left
        ledger.flushOutcome(false);
        announce.get(1, TimeUnit.SECONDS);
        assertThat(ledger.flushLagSeconds()).isZero();
        assertThat(ledger.heldRequests()).as("counted as held").isEqualTo(1);
        assertThat(ledger.heldNanos()).as("for as long as it was held").isEqualTo(120 * MILLI);
    }

    @Test
    void aFlushThatHangsHoldsNobody() throws Exception {
        recordOnePeer(ledger);
        advance(100);
        ledger.drain();
        advance(100_100); // ten times max-lag-wait: PostgreSQL is not answering
        assertThat(ledger.wouldHold()).isFalse();
        CompletableFuture.runAsync(ledger::awaitFlusher).get(1, TimeUnit.SECONDS);
        assertThat(ledger.heldRequests()).isZero();
    }

    @Test
    void whilePostgresRefusesFlushesNobodyWaits() throws Exception {
        recordOnePeer(ledger);
        advance(100);
        ledger.restore(ledger.drain());
        ledger.flushOutcome(true);
        assertThat(ledger.flushLagSeconds()).as("the failed batch keeps its age").isGreaterThan(0.099);
        assertThat(ledger.wouldHold()).isFalse();
        CompletableFuture.runAsync(ledger::awaitFlusher).get(1, TimeUnit.SECONDS);
        assertThat(ledger.heldRequests()).isZero();
    }

    @Test
    void lagWithinOneAndAHalfFlushIntervalsIsNotFallingBehind() {
        Ledger slowFlushes = new Ledger(new LedgerProperties(Duration.ofSeconds(1), Duration.ofSeconds(5), 1000,
                Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofSeconds(60), 0.9), nanos::get);
        recordOnePeer(slowFlushes);
        advance(1_250); // over max-lag and one flush interval, under one and a half (1.5 s)
        assertThat(slowFlushes.wouldHold()).isFalse();
        advance(300);
        assertThat(slowFlushes.wouldHold()).as("past one and a half intervals").isTrue();
    }
}
