package org.swarmkeeper.accounting;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;

import org.postgresql.copy.CopyOut;

/**
 * Reads PostgreSQL's binary COPY format: a fixed header, then per row a 16-bit field count and per field a
 * 32-bit length (-1 for NULL) followed by the value in its type's binary form. Start-up reads every recorded
 * peer this way: no text to parse and no {@code InetAddress} per row. It decodes straight from the driver's
 * CopyData messages (PostgreSQL sends one per row); a value split across two messages is joined first.
 */
final class BinaryCopyReader {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    /** timestamptz travels as microseconds since 2000-01-01 UTC. */
    private static final long POSTGRES_EPOCH_MILLIS = 946_684_800_000L;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final CopyOut copy;
    private byte[] buffer = new byte[0];
    private int position;

    BinaryCopyReader(CopyOut copy) throws IOException {
        this.copy = copy;
        require(SIGNATURE.length + 8);
        if (!Arrays.equals(buffer, position, position + SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
            throw new IOException("not a binary COPY stream");
        }
        position += SIGNATURE.length + 4; // and the flags: none defined that matter here
        int extension = readInt();
        require(extension);
        position += extension;
    }

    /** Moves to the next row; {@code false} at the end of the data. */
    boolean next(int expectedFields) throws IOException {
        require(2);
        int fields = (short) ((buffer[position] & 0xff) << 8 | buffer[position + 1] & 0xff);
        position += 2;
        if (fields == -1) {
            return false;
        }
        if (fields != expectedFields) {
            throw new IOException("COPY row has " + fields + " fields, expected " + expectedFields);
        }
        return true;
    }

    long int8() throws IOException {
        value(8);
        long value = (long) LONG.get(buffer, position);
        position += 8;
        return value;
    }

    int int4() throws IOException {
        value(4);
        return readInt();
    }

    boolean bool() throws IOException {
        value(1);
        return buffer[position++] != 0;
    }

    long timestampMillis() throws IOException {
        return Math.floorDiv(int8(), 1000) + POSTGRES_EPOCH_MILLIS;
    }

    /** A bytea, or {@code null}. */
    byte[] bytes() throws IOException {
        int length = length();
        if (length < 0) {
            return null;
        }
        byte[] value = Arrays.copyOfRange(buffer, position, position + length);
        position += length;
        return value;
    }

    /** A text or varchar, or {@code null}. */
    String text() throws IOException {
        int length = length();
        if (length < 0) {
            return null;
        }
        String value = new String(buffer, position, length, StandardCharsets.UTF_8);
        position += length;
        return value;
    }

    /** An inet's address bytes (4 or 16), or {@code null}; the netmask is dropped. */
    byte[] inetAddress() throws IOException {
        int length = length();
        if (length < 0) {
            return null;
        }
        int size = buffer[position + 3] & 0xff; // after family, netmask bits and the cidr flag
        if (size != 4 && size != 16 || length != 4 + size) {
            throw new IOException("unreadable inet of " + length + " bytes");
        }
        byte[] address = Arrays.copyOfRange(buffer, position + 4, position + length);
        position += length;
        return address;
    }

    /** Reads past the end of the data, so that the connection is ready for its next statement. */
    void finish() throws SQLException {
        while (copy.readFromCopy() != null) {
            // nothing follows the end marker but the end of the COPY itself
        }
    }

    /** Reads a field's length and makes its value readable; -1 for NULL. */
    private int length() throws IOException {
        require(4);
        int length = readInt();
        if (length > 0) {
            require(length);
        }
        return length;
    }

    private void value(int expected) throws IOException {
        int length = length();
        if (length != expected) {
            throw new IOException("expected a " + expected + "-byte value, got length " + length);
        }
    }

    private int readInt() {
        int value = (int) INT.get(buffer, position);
        position += 4;
        return value;
    }

    /** Makes sure {@code count} more bytes are in the buffer, taking further messages from the driver. */
    private void require(int count) throws IOException {
        while (buffer.length - position < count) {
            byte[] message;
            try {
                message = copy.readFromCopy();
            } catch (SQLException e) {
                throw new IOException(e);
            }
            if (message == null) {
                throw new IOException("COPY data ended inside a row");
            }
            int remaining = buffer.length - position;
            if (remaining > 0) {
                byte[] joined = Arrays.copyOfRange(buffer, position, position + remaining + message.length);
                System.arraycopy(message, 0, joined, remaining, message.length);
                message = joined;
            }
            buffer = message;
            position = 0;
        }
    }
}
