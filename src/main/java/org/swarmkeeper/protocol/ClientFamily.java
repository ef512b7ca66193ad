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
    private final byte[] prefix;

    ClientFamily(String displayName, String prefix) {
        this.displayName = displayName;
        this.prefix = prefix == null ? null : prefix.getBytes(StandardCharsets.US_ASCII);
    }

    public String displayName() {
        return displayName;
    }

    public static ClientFamily of(PeerId peerId) {
        byte[] id = peerId.raw();
        for (ClientFamily family : values()) {
            if (family.prefix != null && startsWith(id, family.prefix)) {
                return family;
            }
        }
        return OTHER;
    }

    private static boolean startsWith(byte[] id, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (id[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
