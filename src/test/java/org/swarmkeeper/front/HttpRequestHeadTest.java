package org.swarmkeeper.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The request heads {@link ClientPortServer} reads, from what clients send to what nobody should. */
class HttpRequestHeadTest {

    @Test
    void readsWhatBitTorrentClientsSend() throws Exception {
        HttpRequestHead head = parse("GET /announce/0123456789abcdef0123456789abcdef?info_hash=%12%ab&port=6881"
                + " HTTP/1.1\r\nHost: tracker:6969\r\nUser-Agent: qBittorrent/4.5.2\r\nAccept-Encoding: gzip\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(head.head()).isFalse();
        assertThat(head.path()).isEqualTo("/announce/0123456789abcdef0123456789abcdef");
        assertThat(head.query()).isEqualTo("info_hash=%12%ab&port=6881");
        assertThat(head.userAgent()).isEqualTo("qBittorrent/4.5.2");
        assertThat(head.keepAlive()).isFalse();
        assertThat(head.forwardedFor()).isEmpty();
    }

    @Test
    void keepAliveFollowsTheVersionAndTheConnectionHeader() throws Exception {
        assertThat(parse("GET /a HTTP/1.1\r\n\r\n").keepAlive()).isTrue();
        assertThat(parse("GET /a HTTP/1.1\r\nconnection: Keep-Alive, CLOSE\r\n\r\n").keepAlive()).isFalse();
        assertThat(parse("GET /a HTTP/1.0\r\n\r\n").keepAlive()).isFalse();
        assertThat(parse("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keepAlive()).isTrue();
    }

    @Test
    void bareLineFeedsHeadRequestsAndRepeatedForwardedForAreRead() throws Exception {
        HttpRequestHead head = parse("HEAD /scrape/x HTTP/1.1\nX-Forwarded-For: 192.0.2.1, 10.0.0.1\n"
                + "x-forwarded-for:\t198.51.100.7 \nContent-Length: 0\n\n");
        assertThat(head.head()).isTrue();
        assertThat(head.query()).isNull();
        assertThat(head.forwardedFor()).containsExactly("192.0.2.1, 10.0.0.1", "198.51.100.7");
    }

    @Test
    void rawBytesInTheQueryReachTheParserOneCharEach() throws Exception {
        byte[] request = "GET /announce/k?info_hash=\u00ff\u0080x HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(HttpRequestHead.parse(request, 0, request.length).query()).isEqualTo("info_hash=\u00ff\u0080x");
    }

    @Test
    void refusesWhatNoClientSends() {
        assertRefused("POST /announce HTTP/1.1\r\n\r\n", 405);
        assertRefused("GET announce HTTP/1.1\r\n\r\n", 400);
        assertRefused("GET /a\r\n\r\n", 400);
        assertRefused("GET /a HTTP/2.0\r\n\r\n", 400);
        assertRefused("GET /a\u0001b HTTP/1.1\r\n\r\n", 400);
        assertRefused("GET /a HTTP/1.1\r\nNo colon\r\n\r\n", 400);
        assertRefused("GET /a HTTP/1.1\r\nHost : x\r\n\r\n", 400);
        assertRefused("GET /a HTTP/1.1\r\nContent-Length: 3\r\n\r\n", 400);
        assertRefused("GET /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
    }

    @Test
    void findsTheEndOfAHeadOnlyOnceItHasAllCome() {
        byte[] bytes = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(HttpRequestHead.end(bytes, 0, bytes.length)).isEqualTo(bytes.length - 3);
        assertThat(HttpRequestHead.end(bytes, 0, bytes.length - 5)).isEqualTo(-1);
    }

    @Property(tries = 2000)
    void anyBytesAreReadOrRefusedNeverThrownOtherwise(@ForAll byte[] junk) {
        byte[] request = new byte[junk.length + 4];
        System.arraycopy(junk, 0, request, 0, junk.length);
        System.arraycopy(new byte[] {'\r', '\n', '\r', '\n'}, 0, request, junk.length, 4);
        int end = HttpRequestHead.end(request, 0, request.length);
        try {
            HttpRequestHead.parse(request, 0, end);
        } catch (HttpRequestHead.BadRequest refused) {
            assertThat(refused.status).isIn(400, 405);
        }
    }

    private static HttpRequestHead parse(String text) throws HttpRequestHead.BadRequest {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return HttpRequestHead.parse(bytes, 0, HttpRequestHead.end(bytes, 0, bytes.length));
    }

    private static void assertRefused(String text, int status) {
        assertThatThrownBy(() -> parse(text)).as(text).isInstanceOfSatisfying(HttpRequestHead.BadRequest.class,
                refused -> assertThat(refused.status).isEqualTo(status));
    }
}
