package org.swarmkeeper.protocol;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network ({@code 192.0.2.0/24}, {@code 2001:db8::/32}, or one address). Parsing accepts
 * literal addresses only: {@link InetAddress#getByName} would resolve anything else as a host name.
 *
 * @param network      the address with its host bits cleared
 * @param prefixLength how many leading bits are the network
 */
public record Cidr(byte[] network, int prefixLength) {

    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9a-fA-F:.]+");

    /** Parses a network or a single address; empty when it is not a literal of either family. */
    public static Optional<Cidr> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int slash = text.indexOf('/');
        Optional<InetAddress> address = literal(slash < 0 ? text : text.substring(0, slash));
        if (address.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes = address.get().getAddress();
        int bits = bytes.length * 8;
        // An IPv4-mapped IPv6 network (::ffff:10.0.0.0/104) is read as the IPv4 network it maps.
        int mappedBits = bytes.length == 4 && text.indexOf(':') >= 0 ? 96 : 0;
        try {
            int prefix = slash < 0 ? bits : Integer.parseInt(text.substring(slash + 1)) - mappedBits;
            return prefix < 0 || prefix > bits ? Optional.empty() : Optional.of(new Cidr(mask(bytes, prefix), prefix));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A literal IPv4 (dotted quad) or IPv6 address, never a name lookup; IPv4-mapped IPv6 becomes IPv4. */
    public static Optional<InetAddress> literal(String text) {
        String host = text.trim();
        if (!IPV4.matcher(host).matches() && !(host.indexOf(':') >= 0 && IPV6_CHARACTERS.matcher(host).matches())) {
            return Optional.empty();
        }
        try {
            return Optional.of(PeerAddresses.normalize(InetAddress.getByName(host)));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    /** Whether the address in {@code bytes} (4 or 16 of them) lies in this network; allocates nothing. */
    public boolean contains(byte[] bytes) {
        if (bytes.length != network.length) {
            return false;
        }
        int whole = prefixLength / 8;
        for (int i = 0; i < whole; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int bits = prefixLength % 8;
        return bits == 0 || ((bytes[whole] ^ network[whole]) & 0xff00 >>> bits & 0xff) == 0;
    }

    /** {@code address/prefix}, as PostgreSQL's {@code cidr} writes it. */
    public String text() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The address with every bit after {@code prefixLength} cleared. */
    public static byte[] mask(byte[] address, int prefixLength) {
        byte[] masked = address.clone();
        for (int bit = prefixLength; bit < masked.length * 8; bit++) {
            masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return masked;
    }
}
