package org.swarmkeeper.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Streaming bencode writer into a growable byte array. Dictionary keys are written in the order the
 * caller gives; callers write them sorted by raw bytes, as bencode requires.
 */
public final class BencodeWriter {

    private byte[] buffer;
    private int size;

    public BencodeWriter(int initialCapacity) {
        buffer = new byte[Math.max(16, initialCapacity)];
    }

    public BencodeWriter startDictionary() {
        return raw('d');
    }

    public BencodeWriter startList() {
        return raw('l');
    }

    public BencodeWriter end() {
        return raw('e');
    }

    public BencodeWriter integer(long value) {
        raw('i');
        decimal(value);
        return raw('e');
    }

    /** A string of text, such as a dictionary key; ASCII (every key) is written as it is, without an array. */
    public BencodeWriter string(String text) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            if (text.charAt(i) > 0x7f) {
                return string(text.getBytes(StandardCharsets.UTF_8));
            }
        }
        decimal(length);
        raw(':');
        ensure(length);
        for (int i = 0; i < length; i++) {
            buffer[size++] = (byte) text.charAt(i);
        }
        return this;
    }

    public BencodeWriter string(byte[] bytes) {
        return string(bytes, 0, bytes.length);
    }

    public BencodeWriter string(byte[] bytes, int offset, int length) {
        decimal(length);
        raw(':');
        ensure(length);
        System.arraycopy(bytes, offset, buffer, size, length);
        size += length;
        return this;
    }

    /** Starts a string of {@code length} bytes whose content follows through {@link #bytes}. */
    public BencodeWriter stringHeader(int length) {
        decimal(length);
        return raw(':');
    }

    public BencodeWriter bytes(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, size, bytes.length);
        size += bytes.length;
        return this;
    }

    /** The low {@code count} bytes of {@code value}, big-endian: a compact IPv4 endpoint held as a number. */
    public BencodeWriter lowBytes(long value, int count) {
        ensure(count);
        for (int i = count - 1; i >= 0; i--, value >>>= 8) {
            buffer[size + i] = (byte) value;
        }
        size += count;
        return this;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    /** {@code value} in decimal, as bencode writes integers and lengths, without a String for each. */
    private void decimal(long value) {
        if (value < 0) {
            raw('-');
        } else {
            value = -value; // digits are taken from the negative side, where Long.MIN_VALUE fits too
        }
        int digits = 1;
        for (long rest = value; rest <= -10; rest /= 10) {
            digits++;
        }
        ensure(digits);
        for (int i = size + digits - 1; i >= size; i--, value /= 10) {
            buffer[i] = (byte) ('0' - value % 10);
        }
        size += digits;
    }

    private BencodeWriter raw(char c) {
        ensure(1);
        buffer[size++] = (byte) c;
        return this;
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }
}
