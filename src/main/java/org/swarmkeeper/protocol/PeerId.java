package org.swarmkeeper.protocol;

/** The 20-byte peer_id a client chooses; arbitrary bytes for some clients (aria2, rTorrent, ctorrent). */
public final class PeerId extends Id20 {

    private PeerId(byte[] bytes) {
        super(bytes);
    }

    public static PeerId of(byte[] bytes) {
        return new PeerId(bytes.clone());
    }

    /** The peer_id's printable prefix (e.g. {@code -qB4520-}), for display; other bytes become '.'. */
    public String printable() {
        StringBuilder out = new StringBuilder(LENGTH);
        for (byte b : raw()) {
            out.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        return out.toString();
    }
}
