package org.swarmkeeper.announce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmkeeper.protocol.AnnounceEvent.COMPLETED;
import static org.swarmkeeper.protocol.AnnounceEvent.NONE;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;
import static org.swarmkeeper.protocol.AnnounceEvent.STOPPED;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.swarmkeeper.policy.PolicyEvents;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;

/**
 * Messages in the client ({@code warning message}) over real HTTP: what a hit-and-run obligation still owes on
 * completing and leaving, a ratio watch, being the last seeder. One per peer per day, each also a user event, and
 * never in place of another warning.
 */
class ClientMessagesTest extends TrackerIntegrationTest {

    private static final long GIB = 1L << 30;
    private static final Duration INTERVAL = Duration.ofMinutes(30);

    @Autowired
    private PolicyEvents events;

    @Autowired
    private MeterRegistry meters;

    @Test
    void completingAndLeavingTellWhatTheHitAndRunObligationStillOwes() {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(GIB);
        TestClient leecher = client(user, torrent, "-qB4520-", "127.0.10.1");
        leecher.announce(0, 0, GIB, STARTED);
        clock.advance(INTERVAL);
        Instant deadline = clock.instant().plus(Duration.ofDays(14)).truncatedTo(ChronoUnit.MINUTES);
        double sentBefore = sent("hit_and_run");
        Bencode completed = leecher.announce(0, GIB, 0, COMPLETED);
        assertThat(completed.text("warning message"))
                .isEqualTo("hit-and-run: seed this torrent 72 h 0 min more by " + deadline + ", or it counts as a strike");
        assertThat(sent("hit_and_run") - sentBefore).isEqualTo(1);
        assertThat(leecher.announce(0, GIB, 0, STOPPED).has("warning message"))
                .as("one message per peer per day").isFalse();

        clock.advance(Duration.ofDays(1));
        TestClient seeder = client(user, torrent, "-qB4520-", "127.0.10.1");
        seeder.announce(0, GIB, 0, STARTED);
        clock.advance(INTERVAL);
        seeder.announce(0, GIB, 0, NONE);
        clock.advance(INTERVAL);
        assertThat(seeder.announce(0, GIB, 0, STOPPED).text("warning message"))
                .isEqualTo("hit-and-run: seed this torrent 71 h 0 min more by " + deadline + ", or it counts as a strike");
        events.flush();
        assertThat(events(user.id())).filteredOn(line -> line.startsWith("message/")).containsExactly(
                "message/sent/hit_and_run: hit-and-run: seed this torrent 71 h 0 min more by " + deadline
                        + ", or it counts as a strike",
                "message/sent/hit_and_run: hit-and-run: seed this torrent 72 h 0 min more by " + deadline
                        + ", or it counts as a strike");
    }

    @Test
    void aUserOnRatioWatchIsToldTheirRatioTheRequirementAndTheDaysLeft() {
        CreatedUser user = newUser();
        TestClient snatcher = client(user, newTorrent(6 * GIB), "-qB4520-", "127.0.10.10");
        snatcher.announce(0, 0, 6 * GIB, STARTED);
        clock.advance(INTERVAL);
        snatcher.announce(0, 6 * GIB, 0, COMPLETED);
        snatcher.announce(0, 6 * GIB, 0, STOPPED);
        evaluatePolicy();
        clock.advance(Duration.ofDays(3));

        TestClient leecher = client(user, newTorrent(GIB), "-TR3000-", "127.0.10.11");
        assertThat(leecher.announce(0, 0, GIB, STARTED).text("warning message")).isEqualTo("ratio watch: your "
                + "ratio 0.00 is under the required 0.15; seed to raise it within 11 days, or you lose leech rights");
        clock.advance(INTERVAL);
        assertThat(leecher.announce(0, 0, GIB, NONE).has("warning message")).isFalse();
    }

    @Test
    void theLastSeederOfASwarmWithLeechersIsToldSo() {
        InfoHash torrent = newTorrent(GIB);
        TestClient seeder = client(newUser(), torrent, "-qB4520-", "127.0.10.20");
        assertThat(seeder.announce(0, 0, 0, STARTED).has("warning message")).as("nobody is waiting yet").isFalse();
        client(newUser(), torrent, "-TR3000-", "127.0.10.21").announce(0, 0, GIB, STARTED);
        client(newUser(), torrent, "-TR3000-", "127.0.10.22").announce(0, 0, GIB, STARTED);
        clock.advance(INTERVAL);
        assertThat(seeder.announce(0, 0, 0, NONE).text("warning message"))
                .startsWith("you are the last seeder of this torrent: 2 leechers depend on you (at least ")
                .endsWith(" points an hour)");
        TestClient second = client(newUser(), torrent, "-qB4520-", "127.0.10.23");
        assertThat(second.announce(0, 0, 0, STARTED).has("warning message")).as("two seeders now").isFalse();
    }

    @Test
    void aMessageNeverTakesThePlaceOfAnotherWarning() {
        InfoHash torrent = newTorrent(GIB);
        TestClient seeder = client(newUser(), torrent, "-qB4520-", "127.0.10.30");
        seeder.announce(0, 0, 0, STARTED);
        client(newUser(), torrent, "-TR3000-", "127.0.10.31").announce(0, 0, GIB, STARTED);
        assertThat(seeder.announce(0, 0, 0, NONE).text("warning message"))
                .as("too soon: the last seeder's message waits").startsWith("announced too soon");
        clock.advance(INTERVAL);
        assertThat(seeder.announce(0, 0, 0, NONE).text("warning message")).startsWith("you are the last seeder");
    }

    private double sent(String kind) {
        return meters.get("tracker.messages.sent").tag("kind", kind).counter().count();
    }
}
