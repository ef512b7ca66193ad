package org.swarmkeeper.swarm;

import org.swarmkeeper.protocol.PeerId;

/**
 * A peer's identity (torrent, user, peer_id) as a map key, the peer_id as its three numbers
 * ({@link PeerId#bytes0to7} …): keying a peer builds no PeerId.
 */
public record PeerKey(long torrentId, long userId, long peerIdBytes0to7, long peerIdBytes8to15,
                      int peerIdBytes16to19) {

    public static PeerKey of(long torrentId, long userId, PeerId peerId) {
        return new PeerKey(torrentId, userId, peerId.bytes0to7(), peerId.bytes8to15(), peerId.bytes16to19());
    }

    public static PeerKey of(long torrentId, PeerState state) {
        return new PeerKey(torrentId, state.userId(), state.peerIdBytes0to7(), state.peerIdBytes8to15(),
                state.peerIdBytes16to19());
    }
}
