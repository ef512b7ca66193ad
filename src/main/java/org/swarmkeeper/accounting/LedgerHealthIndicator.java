package org.swarmkeeper.accounting;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code ledger}: DOWN while flushes to PostgreSQL fail, while one flush has run
 * longer than {@code tracker.ledger.stuck-after}, or when the flusher is not running; with the number of peers
 * waiting and whether the ledger is full (new peers' announces then wait for their next try).
 */
@Component
class LedgerHealthIndicator implements HealthIndicator {

    private final Ledger ledger;
    private final LedgerFlusher flusher;
    private final double stuckAfterSeconds;

    LedgerHealthIndicator(Ledger ledger, LedgerFlusher flusher, LedgerProperties properties) {
        this.ledger = ledger;
        this.flusher = flusher;
        this.stuckAfterSeconds = properties.stuckAfter().toMillis() / 1e3;
    }

    @Override
    public Health health() {
        double running = ledger.flushRunningSeconds();
        boolean stuck = running > stuckAfterSeconds;
        boolean stopped = flusher.isRunning() && !flusher.alive();
        Health.Builder health = ledger.lastFlushFailed() || stuck || stopped ? Health.down() : Health.up();
        return health.withDetail("pendingPeers", ledger.pendingPeers())
                .withDetail("maxPendingPeers", ledger.maxPendingPeers())
                .withDetail("full", ledger.full())
                .withDetail("flushRunningSeconds", Math.round(running * 10) / 10.0)
                .withDetail("flushStuck", stuck)
                .withDetail("flusherAlive", !stopped).build();
    }
}
