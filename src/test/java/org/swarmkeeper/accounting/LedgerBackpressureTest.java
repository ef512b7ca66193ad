package org.swarmkeeper.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.swarm.PeerState;

/** tracker.ledger.max-lag: announces wait for a flusher that fell behind, but never for a dead PostgreSQL. */
class LedgerBackpressureTest {

    private final Ledger ledger = new Ledger(new LedgerProperties(Duration.ofSeconds(1), Duration.ofSeconds(5),
            1000, Duration.ofMillis(50), Duration.ofSeconds(10)));

    private void recordOnePeer() {
        ledger.record(new PeerState(1, 1, PeerId.of(new byte[20]), null, new byte[] {127, 0, 0, 1, 26, (byte) 225}, null,
                0, 0, 100, false, "test", 0, 0, true, false), null);
    }

    @Test
    void aFreshBacklogHoldsNobody() throws Exception {
        recordOnePeer();
        CompletableFuture<Void> announce = CompletableFuture.runAsync(this::awaitFlusher);
        announce.get(1, TimeUnit.SECONDS);
    }

    @Test
    void anAnnounceWaitsWhileTheLagIsOverTheLimitAndGoesOnWhenTheFlushCommits() throws Exception {
        recordOnePeer();
        Thread.sleep(100); // older than max-lag
        assertThat(ledger.flushLagSeconds()).isGreaterThan(0.05);
        LedgerBatch inFlight = ledger.drain();
        CompletableFuture<Void> announce = CompletableFuture.runAsync(this::awaitFlusher);
        Thread.sleep(300);
        assertThat(announce).as("held while the batch is being written").isNotDone();

        ledger.flushOutcome(false);
        announce.get(1, TimeUnit.SECONDS);
        assertThat(inFlight.peers).hasSize(1);
        assertThat(ledger.flushLagSeconds()).isZero();
    }

    @Test
    void whilePostgresRefusesFlushesNobodyWaits() throws Exception {
        recordOnePeer();
        Thread.sleep(100);
        ledger.restore(ledger.drain());
        ledger.flushOutcome(true);
        assertThat(ledger.flushLagSeconds()).as("the failed batch keeps its age").isGreaterThan(0.05);
        CompletableFuture.runAsync(this::awaitFlusher).get(1, TimeUnit.SECONDS);
    }

    private void awaitFlusher() {
        try {
            ledger.awaitFlusher();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
