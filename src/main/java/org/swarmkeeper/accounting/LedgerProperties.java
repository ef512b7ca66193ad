package org.swarmkeeper.accounting;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param flushInterval how often pending credit is written, in one transaction
 * @param durableWait   how long a {@code started}/{@code stopped}/{@code completed} announce waits for its
 *                      flush to commit before it is answered with a warning instead
 * @param maxPendingPeers peers whose state may wait for a flush (PostgreSQL away); past it, plain re-announces
 *                      of other live peers are answered but not recorded, and their clients report the bytes
 *                      again later (first sights, started, stopped and completed are always recorded)
 */
@ConfigurationProperties("tracker.ledger")
public record LedgerProperties(
        @DefaultValue("1s") Duration flushInterval,
        @DefaultValue("5s") Duration durableWait,
        @DefaultValue("2000000") int maxPendingPeers) {
}
