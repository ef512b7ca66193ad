package org.swarmkeeper.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict bencode decoder: integers become {@link Long}, strings {@code byte[]}, lists {@link List} and
 * dictionaries {@link Map} with keys as ISO-8859-1 text (one char per byte, so binary keys survive).
 */
public final class BencodeReader {

    /** Input that is not exactly one well-formed bencoded value. */
    public static final class BencodeException extends Exception {
        BencodeException(String message) {
            super(message, null, false, false);
        }
    }

    private static final int MAX_DEPTH = 64;

    private final byte[] input;
    private int position;

    private BencodeReader(byte[] input) {
        this.input = input;
    }

    public static Object decode(byte[] input) throws BencodeException {
        BencodeReader reader = new BencodeReader(input);
        Object value = reader.value(0);
        if (reader.position != input.length) {
            throw new BencodeException("trailing bytes at " + reader.position);
        }
        return value;
    }

    /**
     * The exact bytes of {@code key}'s value in {@code input}, a dictionary, or {@code null} without that key
     * (the last one counts if repeated, as in {@link #decode}). For hashes over bytes as written, such as a
     * torrent's info hash, which re-encoding a decoded value need not reproduce. The whole input is checked.
     */
    public static byte[] rawValue(byte[] input, String key) throws BencodeException {
        BencodeReader reader = new BencodeReader(input);
        if (reader.peek() != 'd') {
            throw new BencodeException("not a dictionary");
        }
        reader.position++;
        byte[] raw = null;
        while (reader.peek() != 'e') {
            boolean wanted = key.equals(new String(reader.string(), StandardCharsets.ISO_8859_1));
            int start = reader.position;
            reader.value(1);
            if (wanted) {
                raw = Arrays.copyOfRange(input, start, reader.position);
            }
        }
        if (++reader.position != input.length) {
            throw new BencodeException("trailing bytes at " + reader.position);
        }
        return raw;
    }

    private Object value(int depth) throws BencodeException {
        if (depth > MAX_DEPTH) {
            throw new BencodeException("nesting too deep");
        }
        byte type = peek();
        if (type == 'i') {
            position++;
            return number('e', true);
        }
        if (type == 'l') {
            position++;
            List<Object> list = new ArrayList<>();
            while (peek() != 'e') {
                list.add(value(depth + 1));
            }
            position++;
            return list;
        }
        if (type == 'd') {
            position++;
            Map<String, Object> map = new LinkedHashMap<>();
            while (peek() != 'e') {
                String key = new String(string(), StandardCharsets.ISO_8859_1);
                map.put(key, value(depth + 1));
            }
            position++;
            return map;
        }
        return string();
    }

    private byte[] string() throws BencodeException {
        long length = number(':', false);
        if (length > input.length - position) {
            throw new BencodeException("string longer than input at " + position);
        }
        byte[] bytes = new byte[(int) length];
        System.arraycopy(input, position, bytes, 0, bytes.length);
        position += bytes.length;
        return bytes;
    }

    /** A canonical decimal: no leading zeros, no "-0", a sign only where allowed, at most 18 digits. */
    private long number(char terminator, boolean signed) throws BencodeException {
        int start = position;
        boolean negative = signed && position < input.length && input[position] == '-';
        if (negative) {
            position++;
        }
        int digitsStart = position;
        long value = 0;
        while (position < input.length && input[position] != terminator) {
            byte d = input[position++];
            if (d < '0' || d > '9' || position - digitsStart > 18) {
                throw new BencodeException("invalid number at " + start);
            }
            value = value * 10 + (d - '0');
        }
        int digits = position - digitsStart;
        if (position >= input.length || digits == 0) {
            throw new BencodeException("unterminated number at " + start);
        }
        if ((digits > 1 && input[digitsStart] == '0') || (negative && value == 0)) {
            throw new BencodeException("non-canonical number at " + start);
        }
        position++;
        return negative ? -value : value;
    }

    private byte peek() throws BencodeException {
        if (position >= input.length) {
            throw new BencodeException("unexpected end of input");
        }
        return input[position];
    }
}
