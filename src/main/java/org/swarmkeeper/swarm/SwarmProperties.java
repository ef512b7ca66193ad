package org.swarmkeeper.swarm;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param peerTimeout   a peer silent this long leaves the peer lists (its baseline is kept)
 * @param peerRetention an inactive peer's baseline is forgotten after this long
 * @param reapInterval  how often stale peers are looked for
 * @param retentionCheckInterval how often baselines past the retention are looked for in PostgreSQL (a read of
 *                      the whole peers table)
 */
@ConfigurationProperties("tracker.swarm")
public record SwarmProperties(
        @DefaultValue("45m") Duration peerTimeout,
        @DefaultValue("14d") Duration peerRetention,
        @DefaultValue("1m") Duration reapInterval,
        @DefaultValue("1h") Duration retentionCheckInterval) {
}
