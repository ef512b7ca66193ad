package org.swarmkeeper.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Sends a request exactly as written, byte for byte, the way BitTorrent clients do (no URI normalisation, no
 * Host header unless given), from a chosen local address, and reads the whole answer.
 */
public final class RawHttp {

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

    public static Response send(InetAddress from, int port, String request) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return parse(readAll(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toByteArray();
    }

    private static Response parse(byte[] raw) {
        int split = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        if (split < 0) {
            throw new AssertionError("no HTTP answer: " + new String(raw, StandardCharsets.ISO_8859_1));
        }
        String head = new String(raw, 0, split, StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(head.split(" ", 3)[1]);
        byte[] body = Arrays.copyOfRange(raw, split + 4, raw.length);
        if (head.toLowerCase().contains("transfer-encoding: chunked")) {
            body = dechunk(body);
        }
        return new Response(status, head, body);
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int position = 0;
        while (true) {
            int lineEnd = indexOf(Arrays.copyOfRange(chunked, position, chunked.length), new byte[] {'\r', '\n'}) + position;
            int size = Integer.parseInt(new String(chunked, position, lineEnd - position, StandardCharsets.ISO_8859_1).trim(), 16);
            if (size == 0) {
                return out.toByteArray();
            }
            out.write(chunked, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
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
