package org.swarmkeeper.swarm;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param peerTimeout   a peer silent this long leaves the peer lists (its baseline is kept)
 * @param peerRetention an inactive peer's baseline is forgotten after this long
 * @param reapInterval  how often stale peers are looked for
 */
@ConfigurationProperties("tracker.swarm")
public record SwarmProperties(
        @DefaultValue("45m") Duration peerTimeout,
        @DefaultValue("14d") Duration peerRetention,
        @DefaultValue("1m") Duration reapInterval) {
}
