package org.swarmkeeper.economy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmkeeper.protocol.AnnounceEvent.NONE;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;

/**
 * A small community for two simulated weeks, announcing every 30 minutes, its classes evaluated once a simulated
 * day: Alice seeds a 4 GiB torrent throughout, Bob downloads it in 32 hours and seeds it on, Carol downloads two
 * 1 GiB torrents with a single download slot. Points pay the flat rate only (scarcity 0) so that every number in
 * the table below is worked out by hand.
 */
@TestPropertySource(properties = {
        "tracker.economy.seed-points.scarcity=0",
        "tracker.economy.seed-points.idle-factor=1",
        "tracker.economy.class-interval=0s",
        "tracker.economy.classes[0].name=Newcomer",
        "tracker.economy.classes[0].download-slots=1",
        "tracker.economy.classes[1].name=Member",
        "tracker.economy.classes[1].account-age=7d",
        "tracker.economy.classes[1].uploaded=1GB",
        "tracker.economy.classes[1].ratio=1.0",
        "tracker.economy.classes[1].download-slots=3",
        "tracker.economy.classes[1].points-multiplier=2"})
class EconomyScenarioTest extends TrackerIntegrationTest {

    private static final long GIB = 1L << 30;
    private static final Duration STEP = Duration.ofMinutes(30);
    private static final int STEPS_PER_DAY = 48;
    private static final int LAST_STEP = 14 * STEPS_PER_DAY;

    @Test
    void twoWeeksOfSeedingPayTheTableAndClassesFollow() {
        AdminClient.CreatedUser alice = newUser();
        AdminClient.CreatedUser bob = newUser();
        AdminClient.CreatedUser carol = newUser();
        InfoHash big = newTorrent(4 * GIB);
        InfoHash first = newTorrent(GIB);
        InfoHash second = newTorrent(GIB);
        TestClient aliceSeed = client(alice, big, "-qB4650-", "127.0.34.1");
        TestClient bobPeer = client(bob, big, "-TR3000-", "127.0.34.2");
        TestClient carolFirst = client(carol, first, "-DE2030-", "127.0.34.3");
        TestClient carolSecond = client(carol, second, "-DE2030-", "127.0.34.3");
        long perStep = 4 * GIB / 64; // Bob downloads the big torrent from Alice in 64 steps
        String carolSecondRefusal = null;

        for (int step = 0; step <= LAST_STEP; step++) {
            AnnounceEvent event = step == 0 ? STARTED : NONE;
            long moved = Math.min(step, 64) * perStep;
            assertAnswered(aliceSeed.announce(moved, 0, 0, event));
            assertAnswered(bobPeer.announce(0, moved, 4 * GIB - moved, event));
            if (step == STEPS_PER_DAY) { // day 1: Carol starts both of hers; the second finds her only slot taken
                assertAnswered(carolFirst.announce(0, 0, GIB, STARTED));
                carolSecondRefusal = carolSecond.announce(0, 0, GIB, STARTED).text("failure reason");
            } else if (step == STEPS_PER_DAY + 1) { // done with the first (from outside this community): a slot frees up
                assertAnswered(carolFirst.announce(0, GIB, 0, NONE));
                assertAnswered(carolSecond.announce(0, 0, GIB, STARTED));
            }
            if (step % STEPS_PER_DAY == 0 && step > 0) {
                evaluatePolicy();
            }
            clock.advance(STEP);
        }
        flushLedger();

        assertThat(carolSecondRefusal).startsWith("download slots full: your class (Newcomer) downloads 1 torrent");
        // Alice: 4 GiB × 0.0754 an hour = 0.3016 a step. Newcomer for the 336 steps up to the day-7 evaluation
        // (account age 7 days, 4 GiB uploaded, no download): 336 × 0.1508 = 50.6688; Member (× 2) for the last 336:
        // 336 × 0.3016 = 101.3376; 152.0064 in all.
        // Bob: leeching earns nothing; seeding from his completion at step 64 on: 608 intervals × 0.1508 = 91.6864,
        // as a Newcomer (no upload). Carol: her first torrent is complete at her last announce on it: nothing.
        assertThat(table(alice, bob, carol)).containsExactly(
                row("Member", "152.006400"),
                row("Newcomer", "91.686400"),
                row("Newcomer", "0.000000"));
        assertThat(events(alice.id())).anyMatch(line -> line.startsWith("class/promoted/class_promoted: promoted "
                + "from Newcomer to Member"));
        assertThat(events(carol.id())).anyMatch(line -> line.startsWith("class/denied/download_slots"));

        // Alice buys a GiB of upload credit; Bob cannot afford a day of personal freeleech.
        assertThat(admin.post("/api/users/" + alice.id() + "/points/spend", "{\"item\":\"upload\"}").status())
                .isEqualTo(200);
        AdminClient.Answer tooDear = admin.post("/api/users/" + bob.id() + "/points/spend",
                "{\"item\":\"personal-freeleech\"}");
        assertThat(tooDear.status()).isEqualTo(409);
        assertThat(table(alice, bob, carol)).containsExactly(
                row("Member", "52.006400"),
                row("Newcomer", "91.686400"),
                row("Newcomer", "0.000000"));
        assertThat(userColumn(alice.id(), "uploaded")).isEqualTo(4 * GIB + GIB);
    }

    private static void assertAnswered(Bencode answer) {
        assertThat(answer.has("failure reason")).as("%s", answer.raw()).isFalse();
    }

    private List<List<String>> table(AdminClient.CreatedUser... users) {
        return Arrays.stream(users).map(user -> row(
                admin.get("/api/users/" + user.id() + "/class").json().get("userClass").asString(),
                admin.get("/api/users/" + user.id() + "/points").json().get("balance").decimalValue()
                        .setScale(6).toPlainString())).toList();
    }

    private static List<String> row(String userClass, String points) {
        return List.of(userClass, points);
    }
}
