package org.swarmkeeper.accounting;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code ledger}: DOWN while flushes to PostgreSQL fail, with the number of
 * peers waiting and whether the ledger is full (new peers' announces then wait for their next try).
 */
@Component
class LedgerHealthIndicator implements HealthIndicator {

    private final Ledger ledger;

    LedgerHealthIndicator(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    public Health health() {
        Health.Builder health = ledger.lastFlushFailed() ? Health.down() : Health.up();
        return health.withDetail("pendingPeers", ledger.pendingPeers())
                .withDetail("maxPendingPeers", ledger.maxPendingPeers())
                .withDetail("full", ledger.full()).build();
    }
}
