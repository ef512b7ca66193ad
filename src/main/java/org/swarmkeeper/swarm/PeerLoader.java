package org.swarmkeeper.swarm;

import java.util.List;

/**
 * Reads recorded peers (their committed baselines) from durable storage: all of them at start-up, one
 * torrent's when this node first serves it, so a swarm taken over from another node, or a peer back after a
 * long pause, continues from its committed baseline. Peers silent past the peer timeout come back inactive.
 * Implemented by accounting.
 */
public interface PeerLoader {

    /** Receives one recorded peer, its torrent and the torrent's snatch count. */
    @FunctionalInterface
    interface RecordedPeerSink {
        void accept(long torrentId, PeerState peer, long torrentSnatches);
    }

    /** Every peer recorded within the retention period; returns how many. */
    int loadAll(RecordedPeerSink sink);

    /** The peers recorded for one torrent within the retention period. */
    List<PeerState> load(long torrentId);
}
