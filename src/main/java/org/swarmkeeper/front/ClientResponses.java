package org.swarmkeeper.front;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The bytes of an answer on the clients' port: status line, headers and bencoded body in one buffer, so that each
 * answer is one write on the socket. Written here rather than by Netty's response encoder, which takes a header
 * map, a second buffer for the body and a copy of that body into direct memory for every answer; the answers
 * differ only in status, length and connection header.
 */
final class ClientResponses {

    /** How the answer ends the connection's part in it. */
    enum Connection {
        /** HTTP/1.1 keep-alive: no header needed. */
        KEEP_ALIVE_DEFAULT(""),
        /** An HTTP/1.0 client that asked for keep-alive must be told it got it. */
        KEEP_ALIVE("Connection: keep-alive\r\n"),
        CLOSE("Connection: close\r\n");

        private final byte[] header;

        Connection(String header) {
            this.header = ascii(header);
        }
    }

    private static final byte[] OK = head(HttpResponseStatus.OK);
    private static final byte[] ALLOW = ascii("Allow: GET, HEAD\r\n");
    private static final byte[] END = ascii("\r\n");

    private ClientResponses() {
    }

    /** The whole answer; {@code withBody} false for HEAD, which gets the headers of the GET answer alone. */
    static ByteBuf encode(ByteBufAllocator allocator, HttpResponseStatus status, byte[] body, boolean withBody,
                          Connection connection) {
        byte[] head = status == HttpResponseStatus.OK ? OK : head(status);
        byte[] length = ascii(Integer.toString(body.length));
        boolean allow = status == HttpResponseStatus.METHOD_NOT_ALLOWED;
        int size = head.length + length.length + END.length + (allow ? ALLOW.length : 0) + connection.header.length
                + END.length + (withBody ? body.length : 0);
        ByteBuf answer = allocator.directBuffer(size, size);
        answer.writeBytes(head).writeBytes(length).writeBytes(END);
        if (allow) {
            answer.writeBytes(ALLOW);
        }
        answer.writeBytes(connection.header).writeBytes(END);
        if (withBody) {
            answer.writeBytes(body);
        }
        return answer;
    }

    /** Status line and headers up to the value of {@code Content-Length}. */
    private static byte[] head(HttpResponseStatus status) {
        return ascii("HTTP/1.1 " + status.code() + " " + status.reasonPhrase()
                + "\r\nContent-Type: text/plain\r\nContent-Length: ");
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
