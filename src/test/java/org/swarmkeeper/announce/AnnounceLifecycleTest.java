package org.swarmkeeper.announce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmkeeper.protocol.AnnounceEvent.COMPLETED;
import static org.swarmkeeper.protocol.AnnounceEvent.NONE;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;
import static org.swarmkeeper.protocol.AnnounceEvent.STOPPED;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;
import tools.jackson.databind.JsonNode;

/** Accounting over the whole life of a swarm, through real HTTP into real PostgreSQL. */
class AnnounceLifecycleTest extends TrackerIntegrationTest {

    private static final long SIZE = 1_000_000;

    @Test
    void fullLifecycleCreditsExactlyTheReportedDeltas() {
        CreatedUser seederUser = newUser();
        CreatedUser leecherUser = newUser();
        InfoHash torrent = newTorrent(SIZE);
        TestClient seeder = client(seederUser, torrent, "-TR3000-", "127.0.0.10");
        TestClient leecher = client(leecherUser, torrent, "-qB4520-", "127.0.0.11");

        Bencode first = seeder.announce(0, 0, 0, STARTED);
        assertThat(first.has("failure reason")).isFalse();
        assertThat(first.integer("interval")).isBetween(1800L, 1980L);
        assertThat(first.integer("min interval")).isEqualTo(900);
        assertThat(first.bytes("external ip")).containsExactly(127, 0, 0, 10);

        Bencode leecherStart = leecher.announce(0, 0, SIZE, STARTED);
        assertThat(leecherStart.integer("complete")).isEqualTo(1);
        assertThat(leecherStart.integer("incomplete")).isEqualTo(1);
        assertThat(leecherStart.bytes("peers")).containsExactly(127, 0, 0, 10, seeder.port() >> 8, seeder.port() & 0xff);

        leecher.announce(0, 400_000, 600_000, NONE);
        seeder.announce(400_000, 0, 0, NONE);
        Bencode completed = leecher.announce(10_000, SIZE, 0, COMPLETED);
        assertThat(completed.integer("downloaded")).isEqualTo(1);
        assertThat(completed.integer("complete")).isEqualTo(2);
        seeder.announce(SIZE, 0, 0, NONE);

        Bencode stopped = leecher.announce(50_000, SIZE, 0, STOPPED);
        assertThat(stopped.bytes("peers")).isEmpty();
        seeder.announce(SIZE + 5_000, 0, 0, STOPPED);

        assertThat(userColumn(seederUser.id(), "uploaded")).isEqualTo(SIZE + 5_000);
        assertThat(userColumn(seederUser.id(), "downloaded")).isZero();
        assertThat(userColumn(leecherUser.id(), "uploaded")).isEqualTo(50_000);
        assertThat(userColumn(leecherUser.id(), "downloaded")).isEqualTo(SIZE);

        JsonNode leecherView = admin.user(leecherUser.id());
        assertThat(leecherView.get("downloaded").asLong()).isEqualTo(SIZE);
        assertThat(leecherView.get("uploaded").asLong()).isEqualTo(50_000);
        assertThat(leecherView.get("ratio").asDouble()).isEqualTo(0.05);
        assertThat(leecherView.get("activeSeeding").asLong()).isZero();
        assertThat(leecherView.get("activeLeeching").asLong()).isZero();

        Map<String, Object> history = jdbc.queryForMap(
                "SELECT * FROM user_torrent_history h JOIN torrents t ON t.id = h.torrent_id "
                        + "WHERE h.user_id = ? AND t.info_hash = ?", leecherUser.id(), torrent.toBytes());
        assertThat(history.get("raw_downloaded")).isEqualTo(SIZE);
        assertThat(history.get("downloaded")).isEqualTo(SIZE);
        assertThat(history.get("raw_uploaded")).isEqualTo(50_000L);
        assertThat(history.get("completed_at")).isNotNull();
        assertThat(history.get("snatches")).isEqualTo(1L);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM peers p JOIN torrents t ON t.id = p.torrent_id "
                + "WHERE t.info_hash = ? AND p.active", Long.class, torrent.toBytes())).isZero();
    }

    @Test
    void snatchIsCountedOncePerUserAndTorrentEvenWithoutCompletedEvent() {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(SIZE);
        TestClient leecher = client(user, torrent, "-lt0D80-", "127.0.0.12");
        leecher.announce(0, 0, SIZE, STARTED);
        leecher.announce(0, SIZE, 0, NONE); // rTorrent-style: completion noticed from left=0
        leecher.announce(0, SIZE, 0, COMPLETED);
        TestClient again = client(user, torrent, "-lt0D80-", "127.0.0.12");
        again.announce(0, 0, SIZE, STARTED);
        Bencode last = again.announce(0, SIZE, 0, COMPLETED);
        assertThat(last.integer("downloaded")).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT snatches FROM torrents WHERE info_hash = ?", Long.class,
                torrent.toBytes())).isEqualTo(1);
    }

    @Test
    void countersGoingBackwardsCreditNothingAndStartANewBaseline() {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(SIZE);
        TestClient seeder = client(user, torrent, "-DE203s-", "127.0.0.13");
        seeder.announce(7_000, 0, 0, STARTED);     // first sight: a baseline, no credit
        seeder.announce(10_000, 0, 0, NONE);       // +3 000
        seeder.announce(2_000, 0, 0, NONE);        // client restarted its counters: +0, new baseline
        seeder.announce(2_500, 0, 0, STOPPED);     // +500
        assertThat(userColumn(user.id(), "uploaded")).isEqualTo(3_500);
    }

    @Test
    void seederReceivesOnlyLeechersAndNobodyReceivesTheirOwnPeers() {
        InfoHash torrent = newTorrent(SIZE);
        CreatedUser alice = newUser();
        CreatedUser bob = newUser();
        CreatedUser carol = newUser();
        TestClient aliceSeed = client(alice, torrent, "-TR3000-", "127.0.0.20");
        TestClient aliceSecondBox = client(alice, torrent, "-TR3000-", "127.0.0.21");
        TestClient bobSeed = client(bob, torrent, "-qB4520-", "127.0.0.22");
        TestClient carolLeech = client(carol, torrent, "A2-1-36-0-", "127.0.0.23");
        aliceSeed.announce(0, 0, 0, STARTED);
        aliceSecondBox.announce(0, 0, SIZE, STARTED);
        bobSeed.announce(0, 0, 0, STARTED);
        carolLeech.announce(0, 0, SIZE, STARTED);
        clock.advance(Duration.ofMinutes(30)); // re-announcing sooner than min interval gets no peers

        // Bob seeds: leechers only (Alice's second box and Carol), never the seeder Alice.
        assertThat(endpoints(bobSeed.announce(0, 0, 0, NONE))).containsExactlyInAnyOrder(
                endpoint(127, 0, 0, 21, aliceSecondBox.port()), endpoint(127, 0, 0, 23, carolLeech.port()));
        // Alice's leeching box gets everyone but Alice herself.
        assertThat(endpoints(aliceSecondBox.announce(0, 0, SIZE, NONE))).containsExactlyInAnyOrder(
                endpoint(127, 0, 0, 22, bobSeed.port()), endpoint(127, 0, 0, 23, carolLeech.port()));
        // Carol gets all three of the others.
        Bencode carolView = carolLeech.announce(0, 0, SIZE, NONE);
        assertThat(endpoints(carolView)).hasSize(3);
        assertThat(carolView.integer("complete")).isEqualTo(2);
        assertThat(carolView.integer("incomplete")).isEqualTo(2);
        // numwant caps the list.
        clock.advance(Duration.ofMinutes(30));
        assertThat(endpoints(carolLeech.announce(0, 0, SIZE, NONE, 1, true))).hasSize(1);
        clock.advance(Duration.ofMinutes(30));
        assertThat(endpoints(carolLeech.announce(0, 0, SIZE, NONE, 0, true))).isEmpty();
    }

    @Test
    void dictionaryPeersWhenCompactIsZero() {
        InfoHash torrent = newTorrent(SIZE);
        TestClient seeder = client(newUser(), torrent, "-TR3000-", "127.0.0.30");
        TestClient leecher = client(newUser(), torrent, "-TR3000-", "127.0.0.31");
        seeder.announce(0, 0, 0, STARTED);
        Bencode answer = leecher.announce(0, 0, SIZE, STARTED, 50, false);
        assertThat(answer.list("peers")).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> peer = (Map<String, Object>) answer.list("peers").get(0);
        assertThat(new String((byte[]) peer.get("ip"))).isEqualTo("127.0.0.30");
        assertThat(peer.get("port")).isEqualTo((long) seeder.port());
        assertThat((byte[]) peer.get("peer id")).isEqualTo(seeder.peerId().toBytes());
    }

    @Test
    void partialSeedIsNeitherSeederNorDownloaderAndNeedsNoLeechRights() {
        InfoHash torrent = newTorrent(SIZE);
        CreatedUser user = newUser();
        admin.patch("/api/users/" + user.id(), "{\"canLeech\":false}");
        TestClient partial = client(user, torrent, "-qB4520-", "127.0.0.32");
        Bencode answer = partial.announce(0, 0, 500_000, org.swarmkeeper.protocol.AnnounceEvent.PAUSED);
        assertThat(answer.has("failure reason")).isFalse();
        assertThat(answer.integer("complete")).isZero();
        assertThat(answer.integer("incomplete")).isEqualTo(1);
        Bencode files = client(newUser(), torrent, "-TR3000-", "127.0.0.33")
                .request("/scrape/" + user.passkey() + "?info_hash=" + TestClient.encoded(torrent)).bencode().dictionary("files");
        Bencode entry = files.dictionary(new String(torrent.toBytes(), java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThat(entry.integer("incomplete")).isEqualTo(1);
        assertThat(entry.integer("downloaders")).isZero();
    }

    @Test
    void gazelleStyleUrlBehavesLikeThePrimaryOne() {
        InfoHash torrent = newTorrent(SIZE);
        CreatedUser user = newUser();
        TestClient seeder = client(user, torrent, "-TR3000-", "127.0.0.34");
        seeder.announce(0, 0, 0, STARTED);
        TestClient leecher = client(newUser(), torrent, "-TR3000-", "127.0.0.35");
        String query = "?info_hash=" + TestClient.encoded(torrent) + "&peer_id=-TR3000-abcdefghijkl&port=6881&uploaded=0"
                + "&downloaded=0&left=5&compact=1";
        Bencode gazelle = leecher.request("/" + user.passkey() + "/announce" + query).bencode();
        assertThat(gazelle.integer("complete")).isEqualTo(1);
        assertThat(gazelle.bytes("peers")).hasSize(0); // the only seeder is the user's own
    }

    private static java.util.List<String> endpoints(Bencode answer) {
        byte[] peers = answer.bytes("peers");
        java.util.List<String> result = new java.util.ArrayList<>();
        for (int i = 0; i < peers.length; i += 6) {
            result.add(endpoint(peers[i] & 0xff, peers[i + 1] & 0xff, peers[i + 2] & 0xff, peers[i + 3] & 0xff,
                    (peers[i + 4] & 0xff) << 8 | (peers[i + 5] & 0xff)));
        }
        return result;
    }

    private static String endpoint(int a, int b, int c, int d, int port) {
        return a + "." + b + "." + c + "." + d + ":" + port;
    }
}
