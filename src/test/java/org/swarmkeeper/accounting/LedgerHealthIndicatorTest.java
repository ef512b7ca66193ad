package org.swarmkeeper.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.swarm.CreditGrant;
import org.swarmkeeper.swarm.PeerState;

/** The ledger's health: DOWN for a flush stuck past tracker.ledger.stuck-after, on the ledger's own clock. */
class LedgerHealthIndicatorTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final LedgerProperties properties = new LedgerProperties(Duration.ofMillis(500), Duration.ofSeconds(5),
            1000, Duration.ofMillis(1500), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(10),
            Duration.ofSeconds(60), 0.9);
    private final Ledger ledger = new Ledger(properties, nanos::get);
    private final LedgerFlusher flusher = new LedgerFlusher(ledger, null, null, null, SeedPointRates.NONE, properties,
            new SimpleMeterRegistry());
    private final LedgerHealthIndicator health = new LedgerHealthIndicator(ledger, flusher, properties);

    @Test
    void aFlushRunningPastStuckAfterIsDown() {
        ledger.record(1, null, new PeerState(1, PeerId.of(new byte[20]), null, null, null, 0, 0, 100, false, null, 0,
                0, true, false, false), null, CreditGrant.FULL);
        ledger.drain(); // the flush begins
        nanos.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        Health stuck = health.health();
        assertThat(stuck.getStatus()).isEqualTo(Status.DOWN);
        assertThat(stuck.getDetails()).containsEntry("flushStuck", true).containsEntry("flushRunningSeconds", 61.0);

        ledger.flushOutcome(false); // it ends
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }
}
