package org.swarmkeeper.swarm;

/**
 * Receives every peer transition (announce, stop, timeout) while the peer's swarm is locked. Implemented by
 * accounting, which turns transitions into credit; it must be quick and must not block.
 */
@FunctionalInterface
public interface PeerChangeListener {

    void onPeerChange(PeerChange change);
}
