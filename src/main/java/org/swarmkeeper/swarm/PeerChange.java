package org.swarmkeeper.swarm;

import org.swarmkeeper.protocol.AnnounceEvent;

/**
 * A peer's transition, reported while the swarm is locked so that listeners see every peer's changes in
 * order, before the swarm applies it. {@code before} is the swarm's stored peer, {@code null} on first sight:
 * it takes the new state once the listener returns, so a listener must not keep it. {@code after} is a
 * snapshot that nothing changes. {@code grant}: what cheat detection lets this announce earn. {@code seeders}: the
 * swarm's seeders before the change, at least 1 (seed points are weighted by them).
 */
public record PeerChange(long torrentId, PeerState before, PeerState after, AnnounceEvent event,
                         CreditGrant grant, int seeders) {

    public PeerChange(long torrentId, PeerState before, PeerState after, AnnounceEvent event) {
        this(torrentId, before, after, event, CreditGrant.FULL, 1);
    }

    /** The peer left the peer lists because it fell silent, not because it announced. */
    public boolean timedOut() {
        return before != null && before.active() && !after.active() && event != AnnounceEvent.STOPPED;
    }
}
