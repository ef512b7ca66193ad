package org.swarmkeeper.protocol;

import java.nio.charset.StandardCharsets;

/**
 * The client program behind a peer_id, by its well-known prefix: a small fixed set, so that it can tag a
 * metric ({@code tracker.clients{family}}) without unbounded cardinality. Anything unknown is {@link #OTHER}.
 */
public enum ClientFamily {
    QBITTORRENT("qBittorrent", "-qB"),
    TRANSMISSION("Transmission", "-TR"),
    DELUGE("Deluge", "-DE"),
    RTORRENT("rTorrent", "-lt"),
    LIBTORRENT("libtorrent", "-LT"),
    UTORRENT("µTorrent", "-UT"),
    BITTORRENT("BitTorrent", "-BT"),
    BIGLYBT("BiglyBT", "-BI"),
    VUZE("Vuze", "-AZ"),
    KTORRENT("KTorrent", "-KT"),
    CTORRENT("Enhanced CTorrent", "-CD"),
    WEBTORRENT("WebTorrent", "-WW"),
    ARIA2("aria2", "A2-"),
    OTHER("other", null);

    private final String displayName;
    /** The prefix as the high bytes of a peer_id's first eight, and the mask that selects them. */
    private final long prefix;
    private final long prefixMask;

    ClientFamily(String displayName, String prefix) {
        this.displayName = displayName;
        long bits = 0;
        long mask = 0;
        byte[] bytes = prefix == null ? new byte[0] : prefix.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < Long.BYTES; i++) {
            bits = bits << 8 | (i < bytes.length ? bytes[i] & 0xff : 0);
            mask = mask << 8 | (i < bytes.length ? 0xff : 0);
        }
        this.prefix = bits;
        this.prefixMask = mask;
    }

    public String displayName() {
        return displayName;
    }

    /** {@link #values()} copies its array on every call; the statistics pass asks once per active peer. */
    private static final ClientFamily[] FAMILIES = values();

    /** By the first eight bytes of a peer_id ({@link PeerId#bytes0to7}): for peers stored as numbers. */
    public static ClientFamily ofPeerIdStart(long bytes0to7) {
        for (ClientFamily family : FAMILIES) {
            if (family.prefixMask != 0 && (bytes0to7 & family.prefixMask) == family.prefix) {
                return family;
            }
        }
        return OTHER;
    }
}
