package org.swarmkeeper.protocol;

import java.util.List;

/**
 * The {@code event=started} requests real clients sent, captured verbatim from Debian's packages: request
 * line and headers in arrival order, with the passkey as {@code PASSKEY}. Each announced from its own
 * loopback address; only Transmission was a seeder.
 */
public final class CapturedClients {

    public static final String INFO_HASH_HEX = "0357e99509635730e0f68948064d23cf8465dbaf";

    public record Capture(String client, String from, String request) {

        public String query() {
            String line = request.substring(0, request.indexOf("\r\n"));
            return line.substring(line.indexOf('?') + 1, line.lastIndexOf(" HTTP/"));
        }

        public String withPasskey(String passkey) {
            return request.replace("PASSKEY", passkey);
        }
    }

    public static final List<Capture> STARTED = List.of(
            new Capture("Transmission 3.00", "127.0.0.10", """
                    GET /announce/PASSKEY?info_hash=%03W%e9%95%09cW0%e0%f6%89H%06M%23%cf%84e%db%af&peer_id=-TR3000-nz3ai22279je&port=53114&uploaded=0&downloaded=0&left=0&numwant=80&key=508947f5&compact=1&supportcrypto=1&event=started HTTP/1.1\r
                    Host: 127.0.0.1:36969\r
                    User-Agent: Transmission/3.00\r
                    Accept: */*\r
                    Accept-Encoding: deflate, gzip, br, zstd\r
                    \r
                    """),
            new Capture("aria2 1.36.0", "127.0.0.11", """
                    GET /announce/PASSKEY?info_hash=%03W%E9%95%09cW0%E0%F6%89H%06M%23%CF%84e%DB%AF&peer_id=A2-1-36-0-%0F%F4%A7%BE%A8%91%8D%00g9&uploaded=0&downloaded=0&left=16777216&compact=1&key=%A7%BE%A8%91%8D%00g9&numwant=50&no_peer_id=1&port=53115&event=started&supportcrypto=1 HTTP/1.1\r
                    User-Agent: aria2/1.36.0\r
                    Accept: */*\r
                    Host: 127.0.0.1:36969\r
                    Want-Digest: SHA-512;q=1, SHA-256;q=1, SHA;q=0.1\r
                    \r
                    """),
            new Capture("qBittorrent 4.5.2", "127.0.0.12", """
                    GET /announce/PASSKEY?info_hash=%03W%e9%95%09cW0%e0%f6%89H%06M%23%cf%84e%db%af&peer_id=-qB4520-d9YEq8HdQZ.(&port=53116&uploaded=0&downloaded=0&left=16777216&corrupt=0&key=5834D5E0&event=started&numwant=200&compact=1&no_peer_id=1&supportcrypto=1&redundant=0 HTTP/1.1\r
                    Host: 127.0.0.1:36969\r
                    User-Agent: qBittorrent/4.5.2\r
                    Accept-Encoding: gzip\r
                    Connection: close\r
                    \r
                    """),
            new Capture("Deluge 2.0.3", "127.0.0.14", """
                    GET /announce/PASSKEY?info_hash=%03W%e9%95%09cW0%e0%f6%89H%06M%23%cf%84e%db%af&peer_id=-DE203s-1.MaEEP**.c*&port=53118&uploaded=0&downloaded=0&left=16777216&corrupt=0&key=EFBD193F&event=started&numwant=200&compact=1&no_peer_id=1&supportcrypto=1&redundant=0 HTTP/1.1\r
                    Host: 127.0.0.1:36969\r
                    User-Agent: Deluge/2.0.3 libtorrent/2.0.8.0\r
                    Accept-Encoding: gzip\r
                    Connection: close\r
                    \r
                    """),
            new Capture("rTorrent 0.9.8", "127.0.0.13", """
                    GET /announce/PASSKEY?info_hash=%03W%E9%95%09cW0%E0%F6%89H%06M%23%CF%84e%DB%AF&peer_id=-lt0D80-%B4%AFI%A5%0D%2Eeu%5F%28%AD%EB&key=43991d5a&ip=127.0.0.13&compact=1&port=53117&uploaded=0&downloaded=0&left=16777216&event=started HTTP/1.1\r
                    Host: 127.0.0.1:36969\r
                    User-Agent: rtorrent/0.9.8/0.13.8\r
                    Accept: */*\r
                    Accept-Encoding: deflate, gzip, br, zstd\r
                    \r
                    """),
            new Capture("Enhanced CTorrent dnh3.3.2", "127.0.0.15", """
                    GET /announce/PASSKEY?info_hash=%03W%E9%95%09cW0%E0%F6%89H%06M%23%CF%84e%DB%AF&peer_id=%2DCD0303%2D%EB%07%D2%96%40%C3%5CN%B7%0878&port=53119&key=XKK9R4TP&event=started&uploaded=0&downloaded=0&left=16777216&compact=1&numwant=20 HTTP/1.0\r
                    User-Agent: Enhanced-CTorrent/dnh3.3.2\r
                    \r
                    """));

    private CapturedClients() {
    }
}
