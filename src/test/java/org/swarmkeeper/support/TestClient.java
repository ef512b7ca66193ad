package org.swarmkeeper.support;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.AnnounceRequest;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.protocol.QueryString;
import org.swarmkeeper.protocol.PeerId;

/**
 * One simulated BitTorrent client session on one torrent: a fixed peer_id, key and port, announcing
 * cumulative counters over real HTTP from its own loopback address, as real clients do.
 */
public final class TestClient {

    private final int trackerPort;
    private final String passkey;
    private final InfoHash infoHash;
    private final PeerId peerId;
    private final byte[] key;
    private final int port;
    private final InetAddress from;

    private TestClient(TestClient session, int trackerPort, InetAddress from, InfoHash infoHash) {
        this(session, trackerPort, from, infoHash, session.port);
    }

    private TestClient(TestClient session, int trackerPort, InetAddress from, InfoHash infoHash, int port) {
        this.trackerPort = trackerPort;
        this.passkey = session.passkey;
        this.infoHash = infoHash;
        this.peerId = session.peerId;
        this.key = session.key;
        this.port = port;
        this.from = from;
    }

    public TestClient(int trackerPort, String passkey, InfoHash infoHash, String peerIdPrefix, String fromAddress) {
        this.trackerPort = trackerPort;
        this.passkey = passkey;
        this.infoHash = infoHash;
        byte[] id = new byte[20];
        ThreadLocalRandom.current().nextBytes(id);
        byte[] prefix = peerIdPrefix.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(prefix, 0, id, 0, prefix.length);
        this.peerId = PeerId.of(id);
        this.key = Integer.toHexString(ThreadLocalRandom.current().nextInt()).getBytes(StandardCharsets.ISO_8859_1);
        this.port = 20000 + ThreadLocalRandom.current().nextInt(40000);
        try {
            this.from = InetAddress.getByName(fromAddress);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The same client session (peer_id, key, counters) talking to a tracker on another port. */
    public TestClient at(int otherTrackerPort) {
        return new TestClient(this, otherTrackerPort, from, infoHash);
    }

    /** The same client session announcing from another local address, e.g. over IPv6 (BEP 7). */
    public TestClient from(String otherAddress) {
        try {
            return new TestClient(this, trackerPort, InetAddress.getByName(otherAddress), infoHash);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The same client session listening on another port, say one a test listens on. */
    public TestClient listeningOn(int otherPort) {
        return new TestClient(this, trackerPort, from, infoHash, otherPort);
    }

    /** The same client session announcing another hash of the same torrent (BEP 52 hybrid). */
    public TestClient under(InfoHash otherHash) {
        return new TestClient(this, trackerPort, from, otherHash);
    }

    public InfoHash infoHash() {
        return infoHash;
    }

    public int port() {
        return port;
    }

    /** The local address it announces from. */
    public String address() {
        return from.getHostAddress();
    }

    public PeerId peerId() {
        return peerId;
    }

    public Bencode announce(long uploaded, long downloaded, long left, AnnounceEvent event) {
        return announce(uploaded, downloaded, left, event, 50, true);
    }

    public Bencode announce(long uploaded, long downloaded, long left, AnnounceEvent event, int numwant,
                            boolean compact) {
        return request(announcePath(uploaded, downloaded, left, event, numwant, compact)).bencode();
    }

    /** The path and query of an announce, for a request written by hand. */
    public String announcePath(long uploaded, long downloaded, long left, AnnounceEvent event, int numwant,
                               boolean compact) {
        return "/announce/" + passkey + "?" + new AnnounceRequest(infoHash, peerId, port, uploaded, downloaded, left,
                event, compact, false, numwant, key).toQueryString();
    }

    public RawHttp.Response request(String pathAndQuery) {
        return RawHttp.send(from, trackerPort, "GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + trackerPort
                + "\r\nUser-Agent: " + userAgent() + "\r\nConnection: close\r\n\r\n");
    }

    /** An info hash percent-encoded as clients put it in a query. */
    public static String encoded(InfoHash hash) {
        StringBuilder out = new StringBuilder();
        QueryString.appendEncoded(out, hash.toBytes());
        return out.toString();
    }

    /** The User-Agent the real client behind this peer_id sends (docs/CLIENTS.md), as cheat detection expects. */
    private String userAgent() {
        String id = peerId.printable();
        if (id.startsWith("-TR")) {
            return "Transmission/3.00";
        } else if (id.startsWith("-qB")) {
            return "qBittorrent/4.5.2";
        } else if (id.startsWith("-DE")) {
            return "Deluge/2.0.3 libtorrent/2.0.8.0";
        } else if (id.startsWith("-lt")) {
            return "rtorrent/0.9.8/0.13.8";
        } else if (id.startsWith("A2-")) {
            return "aria2/1.36.0";
        }
        return "swarmkeeper-test/1.0";
    }
}
