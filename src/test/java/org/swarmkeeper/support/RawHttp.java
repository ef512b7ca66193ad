package org.swarmkeeper.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Sends a request exactly as written, byte for byte, the way BitTorrent clients do (no URI normalisation, no
 * Host header unless given), from a chosen local address, and reads one answer; keep-alive or not.
 */
public final class RawHttp {

    private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};
    /** The status of an answer to a request the server read as HTTP/0.9, which has no status line. */
    public static final int HTTP_09 = 0;

    public record Response(int status, String headers, byte[] body) {
        public Bencode bencode() {
            return Bencode.of(body);
        }
    }

    private RawHttp() {
    }

    /** A GET over HTTP/1.1 with {@code Connection: close}, as libtorrent sends it. */
    public static Response get(int port, String pathAndQuery) {
        return send(InetAddress.getLoopbackAddress(), port, "GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + port + "\r\nUser-Agent: swarmkeeper-test/1.0\r\nConnection: close\r\n\r\n");
    }

    /**
     * An announce from {@code from} (a literal address) with the given query and extra header lines
     * ({@code "User-Agent: …\r\n"}), over a connection of its own.
     */
    public static Response announce(String from, int port, String passkey, String query, String headers) {
        try {
            return send(InetAddress.getByName(from), port, "GET /announce/" + passkey + "?" + query
                    + " HTTP/1.1\r\nHost: tracker\r\n" + headers + "Connection: close\r\n\r\n");
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static Response send(InetAddress from, int port, String request) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            InetAddress loopback = from instanceof Inet6Address ? InetAddress.getByName("::1") : InetAddress.getByName("127.0.0.1");
            socket.connect(new InetSocketAddress(loopback, port), 5000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the head, then the body up to its Content-Length, or to EOF (decoding a chunked body). */
    private static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int headEnd;
        while ((headEnd = indexOf(received.toByteArray(), CRLFCRLF, 0)) < 0) {
            int n = in.read(buffer);
            if (n < 0) {
                byte[] all = received.toByteArray();
                if (all.length > 0 && !new String(all, 0, Math.min(5, all.length), StandardCharsets.ISO_8859_1)
                        .equals("HTTP/")) {
                    return new Response(HTTP_09, "", all); // a request line read as HTTP/0.9: body only
                }
                throw new AssertionError("connection closed before an HTTP answer: " + received);
            }
            received.write(buffer, 0, n);
        }
        byte[] all = received.toByteArray();
        String head = new String(all, 0, headEnd, StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(head.split(" ", 3)[1]);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(all, headEnd + 4, all.length - headEnd - 4);
        long length = contentLength(head);
        if (length >= 0) {
            while (body.size() < length) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                body.write(buffer, 0, n);
            }
            // Exactly the answer: what follows it belongs to the next one (a request that parsed as two).
            return new Response(status, head, java.util.Arrays.copyOf(body.toByteArray(),
                    (int) Math.min(length, body.size())));
        }
        in.transferTo(body);
        boolean chunked = head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked");
        return new Response(status, head, chunked ? dechunk(body.toByteArray()) : body.toByteArray());
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(line.substring(15).trim());
            }
        }
        return -1;
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int position = 0;
        while (true) {
            int lineEnd = indexOf(chunked, new byte[] {'\r', '\n'}, position);
            int size = Integer.parseInt(
                    new String(chunked, position, lineEnd - position, StandardCharsets.ISO_8859_1).trim(), 16);
            if (size == 0) {
                return out.toByteArray();
            }
            out.write(chunked, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
