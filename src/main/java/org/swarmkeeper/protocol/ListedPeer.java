package org.swarmkeeper.protocol;

/**
 * A peer as an announce answer lists it. The swarm's stored peers implement it, so choosing fifty of them for
 * an answer copies their endpoints ({@link PeerList#add}) and builds no object per peer.
 */
public interface ListedPeer {

    /** {@link #compactV4Bits} of a peer without an IPv4 endpoint. */
    long NO_V4 = -1;

    /** The IPv4 endpoint as {@code address << 16 | port} ({@link PeerAddresses#v4Bits}), or {@link #NO_V4}. */
    long compactV4Bits();

    /** The IPv6 endpoint in compact form (BEP 7), or {@code null}. */
    byte[] compactV6();

    PeerId peerId();
}
