package org.swarmkeeper.protocol;

import java.util.Arrays;

/**
 * The peers chosen for one announce answer: references to the swarm's own peers, whose endpoints are kept in
 * compact form, so the compact answer is a byte copy and the dictionary form (BEP 3, {@code compact=0}) is
 * derived from them.
 */
public final class PeerList {

    private ListedPeer[] peers;
    private int size;

    public PeerList(int capacity) {
        peers = new ListedPeer[capacity];
    }

    /** Adds one peer; it has an IPv4 or an IPv6 endpoint or both. */
    public void add(ListedPeer peer) {
        if (size == peers.length) {
            peers = Arrays.copyOf(peers, Math.max(4, size * 2));
        }
        peers[size++] = peer;
    }

    public int size() {
        return size;
    }

    void writeCompact(BencodeWriter out, boolean ipv6) {
        int count = 0;
        for (int i = 0; i < size; i++) {
            count += (ipv6 ? peers[i].compactV6() != null : peers[i].compactV4Bits() != ListedPeer.NO_V4) ? 1 : 0;
        }
        out.stringHeader(count * (ipv6 ? PeerAddresses.COMPACT_V6 : PeerAddresses.COMPACT_V4));
        for (int i = 0; i < size; i++) {
            if (ipv6 && peers[i].compactV6() != null) {
                out.bytes(peers[i].compactV6());
            } else if (!ipv6 && peers[i].compactV4Bits() != ListedPeer.NO_V4) {
                out.lowBytes(peers[i].compactV4Bits(), PeerAddresses.COMPACT_V4);
            }
        }
    }

    void writeDictionaries(BencodeWriter out, boolean withPeerId) {
        out.startList();
        for (int i = 0; i < size; i++) {
            ListedPeer peer = peers[i];
            byte[] v4 = peer.compactV4Bits() == ListedPeer.NO_V4 ? null : PeerAddresses.v4Compact(peer.compactV4Bits());
            for (byte[] endpoint : new byte[][] {v4, peer.compactV6()}) {
                if (endpoint != null) {
                    out.startDictionary().string("ip").string(PeerAddresses.host(endpoint));
                    if (withPeerId) {
                        out.string("peer id").string(peer.peerId().raw());
                    }
                    out.string("port").integer(PeerAddresses.port(endpoint)).end();
                }
            }
        }
        out.end();
    }
}
