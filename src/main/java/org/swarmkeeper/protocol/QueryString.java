package org.swarmkeeper.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The raw query string of a tracker request, split into parameters and percent-decoded to bytes.
 *
 * <p>Binary-safe by construction: {@code %XX} becomes one byte whatever the hex case, every other character
 * stands for itself (so {@code +} stays {@code +}, as every client means it), and nothing is decoded as
 * UTF-8. Servlet parameter decoding cannot be used for {@code info_hash} or {@code peer_id}.
 */
public final class QueryString {

    /** One decoded {@code key=value} pair; the key is ASCII in practice, kept as ISO-8859-1 text. */
    public record Parameter(String key, byte[] value) {
    }

    private final List<Parameter> parameters;

    private QueryString(List<Parameter> parameters) {
        this.parameters = parameters;
    }

    /**
     * Splits and decodes a raw query string. Each char must be a byte (ISO-8859-1), as the servlet
     * container hands the request line over; {@code null} is an empty query.
     */
    public static QueryString parse(String raw) throws MalformedRequestException {
        List<Parameter> parameters = new ArrayList<>();
        if (raw == null) {
            return new QueryString(parameters);
        }
        int start = 0;
        int length = raw.length();
        while (start <= length) {
            int end = raw.indexOf('&', start);
            if (end < 0) {
                end = length;
            }
            if (end > start) {
                int eq = raw.indexOf('=', start);
                if (eq < 0 || eq > end) {
                    eq = end;
                }
                String key = key(raw, start, eq);
                byte[] value = eq < end ? decode(raw, eq + 1, end) : new byte[0];
                parameters.add(new Parameter(key, value));
            }
            start = end + 1;
        }
        return new QueryString(parameters);
    }

    /** A key as text. Clients send plain ASCII keys, taken as they are, without a round trip through bytes. */
    private static String key(String raw, int from, int to) throws MalformedRequestException {
        for (int i = from; i < to; i++) {
            char c = raw.charAt(i);
            if (c == '%' || c > 0xff) {
                return new String(decode(raw, from, to), StandardCharsets.ISO_8859_1);
            }
        }
        return raw.substring(from, to);
    }

    /**
     * Percent-decodes {@code raw[from, to)} into an array of exactly its decoded length: each announce decodes a
     * dozen values, so no growing buffer and no copy at the end.
     */
    private static byte[] decode(String raw, int from, int to) throws MalformedRequestException {
        int length = to - from;
        for (int i = raw.indexOf('%', from); i >= 0 && i < to; i = raw.indexOf('%', i + 3)) {
            if (i + 2 >= to) {
                throw new MalformedRequestException("invalid percent-encoding in query");
            }
            length -= 2;
        }
        byte[] out = new byte[length];
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new MalformedRequestException("invalid percent-encoding in query");
                }
                out[n++] = (byte) (hi << 4 | lo);
                i += 2;
            } else if (c > 0xff) {
                throw new MalformedRequestException("invalid character in query");
            } else {
                out[n++] = (byte) c;
            }
        }
        return out;
    }

    /** The first value of {@code key}, or {@code null}. */
    public byte[] first(String key) {
        for (Parameter p : parameters) {
            if (p.key().equals(key)) {
                return p.value();
            }
        }
        return null;
    }

    /** Every value of {@code key}, in request order. */
    public List<byte[]> all(String key) {
        List<byte[]> values = new ArrayList<>();
        for (Parameter p : parameters) {
            if (p.key().equals(key)) {
                values.add(p.value());
            }
        }
        return values;
    }

    /** Percent-encodes bytes the way careful clients do: RFC 3986 unreserved characters stay literal. */
    public static void appendEncoded(StringBuilder out, byte[] bytes) {
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            }
        }
    }
}
