package org.swarmkeeper.protocol;

import java.util.Arrays;
import java.util.HexFormat;

/** A 20-byte binary identifier compared by content. Binary-safe: never decoded as text. */
abstract sealed class Id20 permits InfoHash, PeerId {

    static final int LENGTH = 20;
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;
    private final int hash;

    Id20(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("expected " + LENGTH + " bytes, got " + bytes.length);
        }
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    static byte[] parseHex(String hex) {
        if (hex == null || hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("expected " + 2 * LENGTH + " hex digits");
        }
        return HEX.parseHex(hex);
    }

    /** A copy of the raw bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The raw bytes without a copy, for encoders inside this package. */
    byte[] raw() {
        return bytes;
    }

    public String hex() {
        return HEX.formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && Arrays.equals(bytes, ((Id20) o).bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return hex();
    }
}
