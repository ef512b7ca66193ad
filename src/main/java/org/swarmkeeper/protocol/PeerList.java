package org.swarmkeeper.protocol;

import java.util.Arrays;

/**
 * The peers chosen for one announce answer, kept as the pre-encoded compact endpoints the swarm stores, so
 * the compact answer is a byte copy and the dictionary form (BEP 3, {@code compact=0}) is derived from them.
 */
public final class PeerList {

    private byte[][] v4;
    private byte[][] v6;
    private PeerId[] peerIds;
    private int size;

    public PeerList(int capacity) {
        v4 = new byte[capacity][];
        v6 = new byte[capacity][];
        peerIds = new PeerId[capacity];
    }

    /** Adds one peer with its IPv4 and/or IPv6 endpoint (either may be {@code null}, not both). */
    public void add(byte[] compactV4, byte[] compactV6, PeerId peerId) {
        if (size == peerIds.length) {
            int grown = Math.max(4, size * 2);
            v4 = Arrays.copyOf(v4, grown);
            v6 = Arrays.copyOf(v6, grown);
            peerIds = Arrays.copyOf(peerIds, grown);
        }
        v4[size] = compactV4;
        v6[size] = compactV6;
        peerIds[size++] = peerId;
    }

    public int size() {
        return size;
    }

    void writeCompact(BencodeWriter out, boolean ipv6) {
        byte[][] endpoints = ipv6 ? v6 : v4;
        int count = 0;
        for (int i = 0; i < size; i++) {
            count += endpoints[i] == null ? 0 : 1;
        }
        out.stringHeader(count * (ipv6 ? PeerAddresses.COMPACT_V6 : PeerAddresses.COMPACT_V4));
        for (int i = 0; i < size; i++) {
            if (endpoints[i] != null) {
                out.bytes(endpoints[i]);
            }
        }
    }

    void writeDictionaries(BencodeWriter out, boolean withPeerId) {
        out.startList();
        for (int i = 0; i < size; i++) {
            for (byte[] endpoint : new byte[][] {v4[i], v6[i]}) {
                if (endpoint != null) {
                    out.startDictionary().string("ip").string(PeerAddresses.address(endpoint).getHostAddress());
                    if (withPeerId) {
                        out.string("peer id").string(peerIds[i].raw());
                    }
                    out.string("port").integer(PeerAddresses.port(endpoint)).end();
                }
            }
        }
        out.end();
    }
}
