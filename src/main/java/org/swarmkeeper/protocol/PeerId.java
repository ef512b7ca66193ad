package org.swarmkeeper.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** The 20-byte peer_id a client chooses; arbitrary bytes for some clients (aria2, rTorrent, ctorrent). */
public final class PeerId extends Id20 {

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private PeerId(byte[] bytes) {
        super(bytes);
    }

    public static PeerId of(byte[] bytes) {
        return new PeerId(bytes.clone());
    }

    /** The peer_id from the three numbers {@link #bytes0to7}, {@link #bytes8to15} and {@link #bytes16to19} give. */
    public static PeerId of(long bytes0to7, long bytes8to15, int bytes16to19) {
        byte[] bytes = new byte[LENGTH];
        LONG.set(bytes, 0, bytes0to7);
        LONG.set(bytes, 8, bytes8to15);
        INT.set(bytes, 16, bytes16to19);
        return new PeerId(bytes);
    }

    /** Bytes 0 to 7, big-endian: with the next two, the peer_id as numbers, for stores that hold millions. */
    public long bytes0to7() {
        return (long) LONG.get(raw(), 0);
    }

    public long bytes8to15() {
        return (long) LONG.get(raw(), 8);
    }

    public int bytes16to19() {
        return (int) INT.get(raw(), 16);
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
