package org.swarmkeeper.protocol;

import java.util.Arrays;

/** A torrent's 20-byte info hash: the v1 SHA-1, or a v2 SHA-256 truncated to 20 bytes (BEP 52). */
public final class InfoHash extends Id20 {

    private InfoHash(byte[] bytes) {
        super(bytes);
    }

    public static InfoHash of(byte[] bytes) {
        return new InfoHash(bytes.clone());
    }

    public static InfoHash fromHex(String hex) {
        return new InfoHash(parseHex(hex));
    }

    /** The 20-byte form under which v2 clients announce a 32-byte SHA-256 info hash. */
    public static InfoHash truncatedV2(byte[] sha256) {
        if (sha256.length != 32) {
            throw new IllegalArgumentException("expected 32 bytes, got " + sha256.length);
        }
        return new InfoHash(Arrays.copyOf(sha256, LENGTH));
    }
}
