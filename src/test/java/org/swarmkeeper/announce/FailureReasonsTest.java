package org.swarmkeeper.announce;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.RawHttp;
import org.swarmkeeper.support.TrackerIntegrationTest;

/**
 * Every refusal is HTTP 200 with a specific bencoded reason, and changes nothing in PostgreSQL; a method other than
 * GET or HEAD on a tracker path is 405, with a bencoded reason too.
 */
class FailureReasonsTest extends TrackerIntegrationTest {

    private static final String PEER = "&peer_id=-TR3000-nz3ai22279je";
    private static final String COUNTERS = "&uploaded=0&downloaded=0&left=10";

    @Test
    void eachMalformedOrRefusedAnnounceGetsItsOwnReasonAndChangesNoState() {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(10);
        String hash = "info_hash=" + TestClient.encoded(torrent);
        String unknownHash = "info_hash=%01%02%03%04%05%06%07%08%09%10%11%12%13%14%15%16%17%18%19%20";
        String ok = "/announce/" + user.passkey() + "?";
        long peersBefore = count("peers");
        long historyBefore = count("user_torrent_history");

        List<String[]> cases = List.of(
                new String[] {"/announce/00000000000000000000000000000000?" + hash + PEER + "&port=1" + COUNTERS,
                        "unknown passkey"},
                new String[] {"/announce/not-a-passkey?" + hash + PEER + "&port=1" + COUNTERS,
                        "invalid passkey: expected 32 hex digits"},
                new String[] {"/announce?" + hash + PEER + "&port=1" + COUNTERS,
                        "missing passkey: use the announce URL from your torrent file"},
                new String[] {"/announce/" + user.passkey() + "/extra?" + hash + PEER + "&port=1" + COUNTERS,
                        "not a tracker URL: use the announce URL from your torrent file"},
                new String[] {ok + unknownHash + PEER + "&port=1" + COUNTERS, "torrent not registered"},
                new String[] {ok + "info_hash=%01%02%03%04%05%06%07%08%09%10%11%12%13%14%15%16%17%18%19" + PEER
                        + "&port=1" + COUNTERS, "invalid info_hash: expected 20 bytes, got 19"},
                new String[] {ok + PEER.substring(1) + "&port=1" + COUNTERS, "missing info_hash"},
                new String[] {ok + hash + "&port=1" + COUNTERS, "missing peer_id"},
                new String[] {ok + hash + "&peer_id=short&port=1" + COUNTERS,
                        "invalid peer_id: expected 20 bytes, got 5"},
                new String[] {ok + hash + PEER + COUNTERS, "missing port"},
                new String[] {ok + hash + PEER + "&port=0" + COUNTERS, "invalid port"},
                new String[] {ok + hash + PEER + "&port=65536" + COUNTERS, "invalid port"},
                new String[] {ok + hash + PEER + "&port=http" + COUNTERS, "invalid port"},
                new String[] {ok + hash + PEER + "&port=1&uploaded=0&downloaded=0", "missing left"},
                new String[] {ok + hash + PEER + "&port=1&uploaded=-5&downloaded=0&left=1", "invalid uploaded"},
                new String[] {ok + hash + PEER + "&port=1" + COUNTERS + "&event=finished", "invalid event"},
                new String[] {ok + hash + "%2" + PEER + "&port=1" + COUNTERS, "invalid percent-encoding in query"});
        for (String[] c : cases) {
            RawHttp.Response response = RawHttp.get(trackerPort, c[0]);
            assertThat(response.status()).as(c[0]).isEqualTo(200);
            assertThat(response.bencode().text("failure reason")).as(c[0]).isEqualTo(c[1]);
        }

        assertThat(count("peers")).isEqualTo(peersBefore);
        assertThat(count("user_torrent_history")).isEqualTo(historyBefore);
        assertThat(userColumn(user.id(), "uploaded")).isZero();
    }

    @Test
    void otherMethodsOnTrackerPathsGetABencoded405AndTheApiKeepsItsOwn() {
        CreatedUser user = newUser();
        for (String request : List.of("POST /announce/" + user.passkey(), "PUT /scrape/" + user.passkey(),
                "DELETE /" + user.passkey() + "/announce")) {
            RawHttp.Response response = RawHttp.send(InetAddress.getLoopbackAddress(), trackerPort, request
                    + "?info_hash=x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            assertThat(response.status()).as(request).isEqualTo(405);
            assertThat(response.headers()).as(request).containsIgnoringCase("allow: GET, HEAD");
            assertThat(response.bencode().text("failure reason")).isEqualTo("only GET is served on tracker paths");
        }
        assertThat(admin.post("/api/users/" + user.id() + "/passkey", "{}").status()).isEqualTo(200);
    }

    @Test
    void disabledAccountIsRefusedAndLeechingWithoutRightsIsRefusedButSeedingIsNot() {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(10);
        var leech = client(user, torrent, "-TR3000-", "127.0.0.40");

        admin.patch("/api/users/" + user.id(), "{\"canLeech\":false}");
        assertThat(leech.announce(0, 0, 10, AnnounceEvent.STARTED).text("failure reason"))
                .isEqualTo("leeching disabled for this account by staff");
        assertThat(leech.announce(0, 0, 0, AnnounceEvent.STARTED).has("failure reason")).isFalse();

        admin.patch("/api/users/" + user.id(), "{\"enabled\":false}");
        assertThat(leech.announce(0, 0, 0, AnnounceEvent.NONE).text("failure reason")).isEqualTo("account disabled");
    }

    @Test
    void stoppedForAPeerTheTrackerNeverSawIsAnsweredNormally() {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(10);
        var stranger = client(user, torrent, "A2-1-36-0-", "127.0.0.41");
        var answer = stranger.announce(100, 100, 0, AnnounceEvent.STOPPED);
        assertThat(answer.has("failure reason")).isFalse();
        assertThat(answer.bytes("peers")).isEmpty();
        assertThat(userColumn(user.id(), "uploaded")).isZero();
    }

    private long count(String table) {
        return jdbc.queryForObject("SELECT count(*) FROM " + table, Long.class);
    }
}
