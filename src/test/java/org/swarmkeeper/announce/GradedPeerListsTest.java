package org.swarmkeeper.announce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmkeeper.protocol.AnnounceEvent.NONE;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;
import static org.swarmkeeper.protocol.AnnounceEvent.STOPPED;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;

/**
 * Leechers' peer lists graded by standing, over real HTTP: a user in good standing gets every seeder first, one
 * meeting the requirement short of good gets half of them, one on ratio watch a quarter, after the leechers, with
 * a longer interval; a swarm's only seeder is given to everyone.
 */
class GradedPeerListsTest extends TrackerIntegrationTest {

    private static final long GIB = 1L << 30;
    private static final Duration INTERVAL = Duration.ofMinutes(30);

    @Autowired
    private MeterRegistry meters;

    private final Map<Integer, Boolean> seederByPort = new HashMap<>();

    @Test
    void goodStandingGetsEverySeederFirstAndTheWatchedGetFewerAfterTheLeechers() {
        CreatedUser watched = newUser();
        snatchAndLeave(watched, newTorrent(6 * GIB), 6 * GIB, "127.0.9.1");     // ratio 0 under the required 0.15: a watch
        CreatedUser fair = newUser();
        snatchAndLeave(fair, newTorrent(6 * GIB), 6 * GIB, "127.0.9.2");
        seedUpload(fair, GIB, "127.0.9.3");                 // ratio 0.16 meets 0.15, nothing of it seeded
        CreatedUser good = newUser();
        evaluatePolicy();

        InfoHash torrent = newTorrent(GIB);
        for (int i = 0; i < 8; i++) {
            TestClient seeder = client(newUser(), torrent, "-qB4520-", "127.0.9." + (10 + i));
            seeder.announce(0, 0, 0, STARTED);
            seederByPort.put(seeder.port(), true);
        }
        for (int i = 0; i < 12; i++) {
            TestClient leecher = client(newUser(), torrent, "-qB4520-", "127.0.9." + (30 + i));
            leecher.announce(0, 0, GIB, STARTED);
            seederByPort.put(leecher.port(), false);
        }
        double watchedBefore = graded("watch");

        List<Boolean> goodList = peers(leech(good, torrent, "127.0.9.50"));
        assertThat(goodList).hasSize(20).startsWith(true, true, true, true, true, true, true, true);
        assertThat(goodList.subList(8, 20)).containsOnly(false);

        List<Boolean> fairList = peers(leech(fair, torrent, "127.0.9.51"));
        assertThat(fairList).as("half the seeders, first; the good user's leecher too").hasSize(17)
                .startsWith(true, true, true, true);
        assertThat(fairList.subList(4, 17)).containsOnly(false);

        Bencode watchedAnswer = leech(watched, torrent, "127.0.9.52");
        List<Boolean> watchedList = peers(watchedAnswer);
        assertThat(watchedList).as("a quarter of the seeders, last").hasSize(16).endsWith(true, true);
        assertThat(watchedList.subList(0, 14)).containsOnly(false);
        assertThat(watchedAnswer.integer("interval")).as("longer, short of the peer timeout")
                .isBetween(2181L, 2399L);
        assertThat(graded("watch") - watchedBefore).isEqualTo(1);

        // A seeder's list is its leechers whatever its grade.
        assertThat(peers(client(watched, newTorrentWithLeechers(3), "-TR3000-", "127.0.9.53")
                .announce(0, 0, 0, STARTED))).hasSize(3).containsOnly(false);
    }

    @Test
    void aSwarmsOnlySeederIsGivenToEveryLeecherWhateverTheirGrade() {
        CreatedUser watched = newUser();
        snatchAndLeave(watched, newTorrent(6 * GIB), 6 * GIB, "127.0.9.60");
        evaluatePolicy();
        InfoHash torrent = newTorrent(GIB);
        TestClient seeder = client(newUser(), torrent, "-qB4520-", "127.0.9.61");
        seeder.announce(0, 0, 0, STARTED);
        seederByPort.put(seeder.port(), true);
        assertThat(peers(leech(watched, torrent, "127.0.9.62"))).containsExactly(true);
    }

    private Bencode leech(CreatedUser user, InfoHash torrent, String from) {
        TestClient leecher = client(user, torrent, "-TR3000-", from);
        seederByPort.put(leecher.port(), false);
        return leecher.announce(0, 0, GIB, STARTED);
    }

    private InfoHash newTorrentWithLeechers(int leechers) {
        InfoHash torrent = newTorrent(GIB);
        for (int i = 0; i < leechers; i++) {
            TestClient leecher = client(newUser(), torrent, "-qB4520-", "127.0.9." + (70 + i));
            leecher.announce(0, 0, GIB, STARTED);
            seederByPort.put(leecher.port(), false);
        }
        return torrent;
    }

    /** Seeds a torrent of someone else's and uploads {@code bytes} in one interval, then leaves. */
    private void seedUpload(CreatedUser user, long bytes, String from) {
        TestClient seeder = client(user, newTorrent(GIB), "-TR3000-", from);
        seeder.announce(0, 0, 0, STARTED);
        clock.advance(INTERVAL);
        seeder.announce(bytes, 0, 0, NONE);
        seeder.announce(bytes, 0, 0, STOPPED);
    }

    /** Whether each listed peer, in order, is a seeder. */
    private List<Boolean> peers(Bencode answer) {
        byte[] compact = answer.bytes("peers");
        List<Boolean> seeders = new ArrayList<>();
        for (int i = 0; i < compact.length; i += 6) {
            seeders.add(seederByPort.get((compact[i + 4] & 0xff) << 8 | compact[i + 5] & 0xff));
        }
        return seeders;
    }

    private double graded(String grade) {
        return meters.get("tracker.peers.graded").tag("grade", grade).counter().count();
    }
}
