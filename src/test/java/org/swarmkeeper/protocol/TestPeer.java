package org.swarmkeeper.protocol;

/** A peer to put in a {@link PeerList} without a swarm; {@code compactV4}: 6 bytes or {@code null}. */
public record TestPeer(long compactV4Bits, byte[] compactV6, PeerId peerId) implements ListedPeer {

    public static TestPeer of(byte[] compactV4, byte[] compactV6, PeerId peerId) {
        return new TestPeer(compactV4 == null ? NO_V4 : PeerAddresses.v4Bits(compactV4), compactV6, peerId);
    }
}
