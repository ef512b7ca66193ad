package org.swarmkeeper.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.swarm.PeerState;

/**
 * tracker.ledger.max-lag: announces wait for a flusher that fell behind, but never for a dead or hanging
 * PostgreSQL, and never longer than max-lag-wait.
 */
class LedgerBackpressureTest {

    private final Ledger ledger = new Ledger(new LedgerProperties(Duration.ofMillis(10), Duration.ofSeconds(5),
            1000, Duration.ofMillis(50), Duration.ofMillis(200)));

    private void recordOnePeer() {
        ledger.record(1, new PeerState(1, PeerId.of(new byte[20]), null, new byte[] {127, 0, 0, 1, 26, (byte) 225},
                null, 0, 0, 100, false, "test", 0, 0, true, false), null);
    }

    @Test
    void aFreshBacklogHoldsNobody() throws Exception {
        recordOnePeer();
        CompletableFuture.runAsync(ledger::awaitFlusher).get(1, TimeUnit.SECONDS);
        assertThat(ledger.heldRequests()).isZero();
    }

    @Test
    void anAnnounceWaitsWhileTheLagIsOverTheLimitAndGoesOnOnceTheFlusherCaughtUp() throws Exception {
        recordOnePeer();
        Thread.sleep(100); // older than max-lag
        LedgerBatch inFlight = ledger.drain();
        CompletableFuture<Void> announce = CompletableFuture.runAsync(ledger::awaitFlusher);
        Thread.sleep(100);
        assertThat(announce).as("held while the batch is being written").isNotDone();

        inFlight.committed.complete(null);
        ledger.flushOutcome(false);
        ledger.drain().committed.complete(null); // the flusher's next round: nothing left
        ledger.flushOutcome(false);
        announce.get(1, TimeUnit.SECONDS);
        assertThat(ledger.flushLagSeconds()).isZero();
        assertThat(ledger.heldRequests()).as("counted as held").isEqualTo(1);
        assertThat(ledger.heldNanos()).as("for about as long as it was held").isGreaterThanOrEqualTo(100_000_000);
    }

    @Test
    void aFlushThatHangsHoldsNobody() throws Exception {
        recordOnePeer();
        Thread.sleep(100);
        ledger.drain();
        Thread.sleep(2100); // ten times max-lag-wait: PostgreSQL is not answering
        CompletableFuture.runAsync(ledger::awaitFlusher).get(200, TimeUnit.MILLISECONDS);
        assertThat(ledger.heldRequests()).isZero();
    }

    @Test
    void whilePostgresRefusesFlushesNobodyWaits() throws Exception {
        recordOnePeer();
        Thread.sleep(100);
        ledger.restore(ledger.drain());
        ledger.flushOutcome(true);
        assertThat(ledger.flushLagSeconds()).as("the failed batch keeps its age").isGreaterThan(0.05);
        CompletableFuture.runAsync(ledger::awaitFlusher).get(200, TimeUnit.MILLISECONDS);
    }

    @Test
    void lagWithinOneAndAHalfFlushIntervalsIsNotFallingBehind() throws Exception {
        Ledger slowFlushes = new Ledger(new LedgerProperties(Duration.ofSeconds(1), Duration.ofSeconds(5), 1000,
                Duration.ofMillis(50), Duration.ofSeconds(2)));
        slowFlushes.record(1, new PeerState(1, PeerId.of(new byte[20]), null, null, null, 0, 0, 100, false, null, 0,
                0, true, false), null);
        Thread.sleep(1250); // over max-lag and one flush interval, under one and a half (1.5 s)
        CompletableFuture.runAsync(slowFlushes::awaitFlusher).get(200, TimeUnit.MILLISECONDS);
    }
}
