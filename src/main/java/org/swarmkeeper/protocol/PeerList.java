package org.swarmkeeper.protocol;

import java.util.Arrays;

/**
 * The peers chosen for one announce answer, with their endpoints in compact form, so the compact answer is a
 * byte copy and the dictionary form (BEP 3, {@code compact=0}) is derived from them. The endpoints are copied
 * when a peer is added: the swarm updates its peers in place, and the answer is written after the swarm's
 * lock is released.
 */
public final class PeerList {

    /** For their peer_ids, which never change, in the dictionary form. */
    private ListedPeer[] peers;
    private long[] v4Bits;
    private byte[][] v6;
    private int size;

    public PeerList(int capacity) {
        peers = new ListedPeer[capacity];
        v4Bits = new long[capacity];
        v6 = new byte[capacity][];
    }

    /** Adds one peer as it is now; it has an IPv4 or an IPv6 endpoint or both. */
    public void add(ListedPeer peer) {
        if (size == peers.length) {
            int capacity = Math.max(4, size * 2);
            peers = Arrays.copyOf(peers, capacity);
            v4Bits = Arrays.copyOf(v4Bits, capacity);
            v6 = Arrays.copyOf(v6, capacity);
        }
        peers[size] = peer;
        v4Bits[size] = peer.compactV4Bits();
        v6[size] = peer.compactV6();
        size++;
    }

    public int size() {
        return size;
    }

    void writeCompact(BencodeWriter out, boolean ipv6) {
        int count = 0;
        for (int i = 0; i < size; i++) {
            count += (ipv6 ? v6[i] != null : v4Bits[i] != ListedPeer.NO_V4) ? 1 : 0;
        }
        out.stringHeader(count * (ipv6 ? PeerAddresses.COMPACT_V6 : PeerAddresses.COMPACT_V4));
        for (int i = 0; i < size; i++) {
            if (ipv6 && v6[i] != null) {
                out.bytes(v6[i]);
            } else if (!ipv6 && v4Bits[i] != ListedPeer.NO_V4) {
                out.lowBytes(v4Bits[i], PeerAddresses.COMPACT_V4);
            }
        }
    }

    void writeDictionaries(BencodeWriter out, boolean withPeerId) {
        out.startList();
        for (int i = 0; i < size; i++) {
            byte[] v4 = v4Bits[i] == ListedPeer.NO_V4 ? null : PeerAddresses.v4Compact(v4Bits[i]);
            for (byte[] endpoint : new byte[][] {v4, v6[i]}) {
                if (endpoint != null) {
                    out.startDictionary().string("ip").string(PeerAddresses.host(endpoint));
                    if (withPeerId) {
                        out.string("peer id").string(peers[i].peerId().raw());
                    }
                    out.string("port").integer(PeerAddresses.port(endpoint)).end();
                }
            }
        }
        out.end();
    }
}
