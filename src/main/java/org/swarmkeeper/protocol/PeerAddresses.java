package org.swarmkeeper.protocol;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Compact peer endpoints: 4-byte IPv4 or 16-byte IPv6 address followed by the port, big-endian (BEP 23, BEP 7). */
public final class PeerAddresses {

    public static final int COMPACT_V4 = 6;
    public static final int COMPACT_V6 = 18;

    private PeerAddresses() {
    }

    /** The address as a peer would be reached: IPv4-mapped IPv6 addresses become IPv4. */
    public static InetAddress normalize(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException impossible) {
                    throw new IllegalStateException(impossible);
                }
            }
        }
        return address;
    }

    public static byte[] compact(InetAddress address, int port) {
        return compact(address.getAddress(), port);
    }

    /** {@code ip}: the 4 or 16 bytes of an address. */
    public static byte[] compact(byte[] ip, int port) {
        byte[] out = new byte[ip.length + 2];
        System.arraycopy(ip, 0, out, 0, ip.length);
        out[ip.length] = (byte) (port >>> 8);
        out[ip.length + 1] = (byte) port;
        return out;
    }

    /** A 6-byte compact IPv4 endpoint as one number, {@code address << 16 | port}. */
    public static long v4Bits(byte[] compactV4) {
        if (compactV4.length != COMPACT_V4) {
            throw new IllegalArgumentException("not a compact IPv4 endpoint: " + compactV4.length + " bytes");
        }
        long bits = 0;
        for (byte b : compactV4) {
            bits = bits << 8 | (b & 0xff);
        }
        return bits;
    }

    /** The 6-byte compact form of {@link #v4Bits}. */
    public static byte[] v4Compact(long bits) {
        byte[] compact = new byte[COMPACT_V4];
        for (int i = COMPACT_V4 - 1; i >= 0; i--, bits >>>= 8) {
            compact[i] = (byte) bits;
        }
        return compact;
    }

    public static boolean isV4(InetAddress address) {
        return address instanceof Inet4Address;
    }

    public static InetAddress address(byte[] compact) {
        try {
            return InetAddress.getByAddress(java.util.Arrays.copyOf(compact, compact.length - 2));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not a compact endpoint: " + compact.length + " bytes", e);
        }
    }

    /** The address of a compact endpoint as text ({@code 192.0.2.1}, {@code 2001:db8::1}), or {@code null}. */
    public static String host(byte[] compact) {
        return compact == null ? null : address(compact).getHostAddress();
    }

    public static int port(byte[] compact) {
        return (compact[compact.length - 2] & 0xff) << 8 | (compact[compact.length - 1] & 0xff);
    }
}
