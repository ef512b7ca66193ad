package org.swarmkeeper.accounting;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param flushInterval how often pending credit is written, in one transaction. A flush drains credit one interval
 *                      old, so it may run {@code max-lag} minus the interval before announces are held (when the one
 *                      before kept to its interval): twice a second leaves a flush 1 s, which a flush on a CPU
 *                      shared with PostgreSQL needs now and then at half the peak rate
 * @param durableWait   how long a {@code started}/{@code stopped}/{@code completed} announce waits for its
 *                      flush to commit before it is answered with a warning instead (and a policy evaluation for
 *                      the flush before it, before it goes ahead on what is committed)
 * @param maxPendingPeers peers whose state may wait for a flush (PostgreSQL away); past it, plain re-announces
 *                      of other live peers are answered but not recorded, and their clients report the bytes
 *                      again later (first sights, started, stopped and completed are always recorded)
 * @param maxLag        flush lag (age of the oldest credit not yet committed; at least one and a half flush
 *                      intervals are used) past which announces wait, up to
 *                      {@code max-lag-wait} each, for the flusher to catch up: when the tracker and PostgreSQL
 *                      share a saturated CPU, answering a little later leaves PostgreSQL the time to write
 * @param maxLagWait    the longest one announce is held for that
 * @param statementTimeout a statement of a flush running longer is cancelled (the batch is kept and retried)
 * @param lockTimeout   a flush waiting longer for a row another transaction holds gives up (kept and retried)
 * @param stuckAfter    a flush running longer turns the {@code ledger} health component DOWN
 * @param snatchShare   a user×torrent is a snatch (and may become a hit-and-run obligation) once the user
 *                      downloaded at least this share of the torrent's size, whatever {@code left} said
 */
@ConfigurationProperties("tracker.ledger")
public record LedgerProperties(
        @DefaultValue("500ms") Duration flushInterval,
        @DefaultValue("5s") Duration durableWait,
        @DefaultValue("2000000") int maxPendingPeers,
        @DefaultValue("1500ms") Duration maxLag,
        @DefaultValue("1s") Duration maxLagWait,
        @DefaultValue("30s") Duration statementTimeout,
        @DefaultValue("10s") Duration lockTimeout,
        @DefaultValue("60s") Duration stuckAfter,
        @DefaultValue("0.9") double snatchShare) {
}
