package org.swarmkeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmkeeper.protocol.AnnounceEvent.COMPLETED;
import static org.swarmkeeper.protocol.AnnounceEvent.NONE;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;
import static org.swarmkeeper.protocol.AnnounceEvent.STOPPED;

import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.AnnounceRequest;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.protocol.QueryString;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.RawHttp;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;

/**
 * The per-announce rules over real HTTP: each one's allowed case, its denial with the exact reason (logged,
 * counted, and changing no state), and the way back.
 */
class AnnounceRulesTest extends TrackerIntegrationTest {

    private static final long SIZE = 1_000_000;
    private static final String CLIENT = "Transmission/3.00";

    private Bencode announce(CreatedUser user, InfoHash torrent, String peerId, int port, long left,
                             AnnounceEvent event, String userAgent, String from) throws UnknownHostException {
        String query = new AnnounceRequest(torrent, PeerId.of(peerId.getBytes(StandardCharsets.ISO_8859_1)), port,
                0, 0, left, event, true, false, 50, "k1".getBytes(StandardCharsets.ISO_8859_1)).toQueryString();
        return RawHttp.announce(from, trackerPort, user.passkey(), query, "User-Agent: " + userAgent + "\r\n").bencode();
    }

    private String failure(Bencode answer) {
        return answer.has("failure reason") ? answer.text("failure reason") : null;
    }

    private long peersOf(CreatedUser user) {
        return jdbc.queryForObject("SELECT count(*) FROM peers WHERE user_id = ?", Long.class, user.id());
    }

    @Test
    void bannedAddressesAndNetworksAreRefusedUntilUnbanned() throws Exception {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(SIZE);
        double deniedBefore = decisions("ip_ban", "denied");
        var v4 = admin.post("/api/ip-bans", "{\"network\":\"127.0.2.0/24\",\"reason\":\"seedbox abuse\"}");
        var v6 = admin.post("/api/ip-bans", "{\"network\":\"::1\",\"reason\":\"test ban\"}");
        assertThat(v4.status()).isEqualTo(201);
        assertThat(v4.json().get("network").asString()).isEqualTo("127.0.2.0/24");
        try {
            assertThat(failure(announce(user, torrent, "-TR3000-aaaaaaaaaaaa", 51413, 0, STARTED, CLIENT, "127.0.2.77")))
                    .isEqualTo("address banned: seedbox abuse");
            assertThat(failure(announce(user, torrent, "-TR3000-bbbbbbbbbbbb", 51413, 0, STARTED, CLIENT, "::1")))
                    .isEqualTo("address banned: test ban");
            assertThat(failure(announce(user, torrent, "-TR3000-cccccccccccc", 51413, 0, STARTED, CLIENT, "127.0.3.77")))
                    .isNull();
            assertThat(admin.post("/api/ip-bans", "{\"network\":\"127.0.2.9/24\",\"reason\":\"again\"}").status())
                    .as("the same network, written with host bits").isEqualTo(409);
            for (String notAnAddress : new String[] {"example.org", "cafe", "dead.beef", "10.0.0.256", "::1/129"}) {
                assertThat(admin.post("/api/ip-bans", "{\"network\":\"" + notAnAddress + "\",\"reason\":\"x\"}")
                        .status()).as(notAnAddress).isEqualTo(400);
            }
        } finally {
            admin.delete("/api/ip-bans/" + v4.json().get("id").asLong());
            admin.delete("/api/ip-bans/" + v6.json().get("id").asLong());
        }
        assertThat(failure(announce(user, torrent, "-TR3000-aaaaaaaaaaaa", 51413, 0, STARTED, CLIENT, "127.0.2.77")))
                .isNull();
        assertThat(decisions("ip_ban", "denied") - deniedBefore).isEqualTo(2);
        assertThat(events(user.id())).as("both denials in one row, with the latest reason")
                .containsExactly("ip_ban/denied/ip_banned: address banned: test ban");
        assertThat(admin.get("/api/users/" + user.id() + "/events").json().get(0).get("count").asLong()).isEqualTo(2);
    }

    @Test
    void onlyListedClientsAtTheirMinimumVersionMayAnnounce() throws Exception {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(SIZE);
        String from = "127.0.4.1";
        assertThat(failure(announce(user, torrent, "-XX0100-aaaaaaaaaaaa", 51413, 0, STARTED, "Example/1.0", from)))
                .isEqualTo("client not allowed: -XX0100- is not on this tracker's client list");
        assertThat(failure(announce(user, torrent, "-TR2940-aaaaaaaaaaaa", 51413, 0, STARTED, "Transmission/2.94", from)))
                .isEqualTo("client not allowed: Transmission 2.9.4.0 is older than the required 3.0.0");
        assertThat(failure(announce(user, torrent, "A2-1-34-0-aaaaaaaaaa", 51413, 0, STARTED, "aria2/1.34.0", from)))
                .isEqualTo("client not allowed: aria2 1.34.0 is older than the required 1.35.0");
        assertThat(failure(announce(user, torrent, "-TR3000-aaaaaaaaaaaa", 51413, 0, STARTED,
                "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", from)))
                .isEqualTo("client not allowed: announces must come from a BitTorrent client, not a browser or crawler");
        assertThat(peersOf(user)).isZero();

        var rule = admin.post("/api/clients", "{\"prefix\":\"-XX\",\"name\":\"Example\",\"minVersion\":\"0.2\"}");
        assertThat(rule.status()).isEqualTo(201);
        try {
            assertThat(failure(announce(user, torrent, "-XX0100-aaaaaaaaaaaa", 51413, 0, STARTED, "Example/0.1", from)))
                    .isEqualTo("client not allowed: Example 0.1.0.0 is older than the required 0.2");
            admin.patch("/api/clients/" + rule.json().get("id").asLong(), "{\"minVersion\":\"0.1\"}");
            assertThat(failure(announce(user, torrent, "-XX0100-aaaaaaaaaaaa", 51413, 0, STARTED, "Example/0.1", from)))
                    .isNull();
        } finally {
            admin.delete("/api/clients/" + rule.json().get("id").asLong());
        }
        assertThat(events(user.id())).first().asString().startsWith("client/denied/client_too_old");
    }

    @Test
    void wellKnownPortsAreRefused() throws Exception {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(SIZE);
        assertThat(failure(announce(user, torrent, "-TR3000-aaaaaaaaaaaa", 80, 0, STARTED, CLIENT, "127.0.4.2")))
                .isEqualTo("port 80 is not allowed: configure your client to listen on another port");
        assertThat(failure(announce(user, torrent, "-TR3000-aaaaaaaaaaaa", 1024, 0, STARTED, CLIENT, "127.0.4.2")))
                .isNull();
    }

    @Test
    void deletedTorrentsAndDisabledAccountsFailWithTheirReason() {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(SIZE);
        TestClient client = client(user, torrent, "-TR3000-", "127.0.4.3");
        assertThat(client.announce(0, 0, 0, STARTED).has("failure reason")).isFalse();

        var deleted = admin.delete("/api/torrents/" + torrent.hex(), "{\"reason\":\"duplicate of Debian 12.5 DVD\"}");
        assertThat(deleted.json().get("deletionReason").asString()).isEqualTo("duplicate of Debian 12.5 DVD");
        assertThat(client.announce(0, 0, 0, NONE).text("failure reason"))
                .isEqualTo("torrent deleted: duplicate of Debian 12.5 DVD");
        assertThat(client.request("/scrape/" + user.passkey() + "?info_hash=" + encoded(torrent)).bencode()
                .dictionary("files").raw()).isEmpty();

        InfoHash other = newTorrent(SIZE);
        admin.patch("/api/users/" + user.id(), "{\"enabled\":false,\"disabledReason\":\"inactive for a year\"}");
        TestClient otherClient = client(user, other, "-TR3000-", "127.0.4.3");
        assertThat(otherClient.announce(0, 0, 0, STARTED).text("failure reason"))
                .isEqualTo("account disabled: inactive for a year");
        admin.patch("/api/users/" + user.id(), "{\"enabled\":true}");
        assertThat(otherClient.announce(0, 0, 0, STARTED).has("failure reason")).isFalse();
        assertThat(events(user.id())).contains("account/denied/account_disabled: account disabled: inactive for a year",
                "torrent/denied/torrent_deleted: torrent deleted: duplicate of Debian 12.5 DVD");
    }

    @Test
    void aUserMayRunAtMostThreePeersOnOneTorrent() {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(SIZE);
        TestClient[] boxes = new TestClient[4];
        for (int i = 0; i < boxes.length; i++) {
            boxes[i] = client(user, torrent, "-qB4520-", "127.0.5." + (i + 1));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(boxes[i].announce(0, 0, SIZE, STARTED).has("failure reason")).isFalse();
        }
        long peersBefore = peersOf(user);
        assertThat(boxes[3].announce(0, 0, SIZE, STARTED).text("failure reason")).isEqualTo(
                "too many clients: at most 3 active peers per user on one torrent; stop one of the others first");
        assertThat(peersOf(user)).isEqualTo(peersBefore);
        clock.advance(Duration.ofMinutes(30));
        assertThat(boxes[0].announce(0, 0, SIZE, NONE).has("failure reason")).as("a known peer re-announces").isFalse();

        boxes[0].announce(0, 0, SIZE, STOPPED);
        assertThat(boxes[3].announce(0, 0, SIZE, STARTED).has("failure reason")).isFalse();
        assertThat(events(user.id())).first().asString().startsWith("peer_limit/denied/peer_limit");
    }

    @Test
    void reAnnouncingBeforeMinIntervalIsWarnedAndCreditedButGetsNoPeers() {
        InfoHash torrent = newTorrent(SIZE);
        TestClient seeder = client(newUser(), torrent, "-TR3000-", "127.0.6.1");
        CreatedUser user = newUser();
        TestClient leecher = client(user, torrent, "-qB4520-", "127.0.6.2");
        seeder.announce(0, 0, 0, STARTED);
        assertThat(leecher.announce(0, 0, SIZE, STARTED).bytes("peers")).hasSize(6);

        clock.advance(Duration.ofMinutes(1));
        Bencode early = leecher.announce(0, 500, SIZE - 500, NONE);
        assertThat(early.text("warning message"))
                .isEqualTo("announced too soon: wait 15 min between announces (min interval); no peers this time");
        assertThat(early.bytes("peers")).isEmpty();
        flushLedger();
        assertThat(userColumn(user.id(), "downloaded")).as("the early announce is credited").isEqualTo(500);
        Bencode completed = leecher.announce(0, SIZE, 0, COMPLETED);
        assertThat(completed.text("warning message")).as("completed is never held back: it tells what is owed")
                .startsWith("hit-and-run: seed this torrent 72 h 0 min more by ");

        clock.advance(Duration.ofMinutes(15));
        assertThat(leecher.announce(0, SIZE, 0, STOPPED).has("warning message")).isFalse();
        assertThat(userColumn(user.id(), "downloaded")).isEqualTo(SIZE);
        assertThat(events(user.id())).filteredOn(event -> !event.startsWith("message/"))
                .containsExactly("min_interval/warned/announce_too_soon: announced too soon: "
                        + "wait 15 min between announces (min interval); no peers this time");
    }

    @Test
    void theFirstDenialInRuleOrderWins() throws Exception {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(SIZE);
        admin.patch("/api/users/" + user.id(), "{\"enabled\":false}");
        admin.delete("/api/torrents/" + torrent.hex(), "{\"reason\":\"dead\"}");
        // Disabled account, deleted torrent, unlisted client, blocked port: the account comes first.
        assertThat(failure(announce(user, torrent, "-XX0000-aaaaaaaaaaaa", 25, 0, STARTED, CLIENT, "127.0.7.1")))
                .isEqualTo("account disabled");
        admin.patch("/api/users/" + user.id(), "{\"enabled\":true}");
        assertThat(failure(announce(user, torrent, "-XX0000-aaaaaaaaaaaa", 25, 0, STARTED, CLIENT, "127.0.7.1")))
                .isEqualTo("torrent deleted: dead");
        InfoHash live = newTorrent(SIZE);
        assertThat(failure(announce(user, live, "-XX0000-aaaaaaaaaaaa", 25, 0, STARTED, CLIENT, "127.0.7.1")))
                .startsWith("client not allowed");
    }

    private static String encoded(InfoHash hash) {
        StringBuilder out = new StringBuilder();
        QueryString.appendEncoded(out, hash.toBytes());
        return out.toString();
    }
}
