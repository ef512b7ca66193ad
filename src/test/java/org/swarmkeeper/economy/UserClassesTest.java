package org.swarmkeeper.economy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmkeeper.protocol.AnnounceEvent.NONE;
import static org.swarmkeeper.protocol.AnnounceEvent.PAUSED;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;
import static org.swarmkeeper.protocol.AnnounceEvent.STOPPED;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;
import tools.jackson.databind.JsonNode;

/** User classes: promotion, demotion and pins with their events; download slots and the leech wait at announce. */
@TestPropertySource(properties = {
        "tracker.economy.class-interval=0s",
        "tracker.economy.classes[0].name=Newcomer",
        "tracker.economy.classes[0].download-slots=1",
        "tracker.economy.classes[0].leech-wait=24h",
        "tracker.economy.classes[1].name=Member",
        "tracker.economy.classes[1].uploaded=1GB",
        "tracker.economy.classes[1].ratio=1.0",
        "tracker.economy.classes[1].demote-below-ratio=0.8",
        "tracker.economy.classes[1].download-slots=2",
        // Only staff's pin puts anyone here.
        "tracker.economy.classes[2].name=Staff",
        "tracker.economy.classes[2].uploaded=1024TB",
        "tracker.economy.classes[2].download-factor=0.5",
        "tracker.economy.classes[2].hit-and-run-immune=true"})
class UserClassesTest extends TrackerIntegrationTest {

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    @Test
    void downloadSlotsLimitLeechingWhileSeedingAndPartialSeedsStayAllowed() {
        InfoHash first = newTorrent(MIB);
        InfoHash second = newTorrent(MIB);
        InfoHash third = newTorrent(MIB);
        clock.advance(Duration.ofHours(25)); // past the Newcomer's leech wait for all three
        AdminClient.CreatedUser user = newUser();
        TestClient leeching = client(user, first, "-qB4650-", "127.0.33.1");
        assertThat(leeching.announce(0, 0, MIB, STARTED).has("failure reason")).isFalse();
        TestClient second1 = client(user, second, "-qB4650-", "127.0.33.1");
        assertThat(second1.announce(0, 0, MIB, STARTED).text("failure reason")).isEqualTo("download slots full: your "
                + "class (Newcomer) downloads 1 torrent at once; finish or stop one first (seeding is not limited)");
        assertThat(client(user, third, "-qB4650-", "127.0.33.1").announce(0, 0, 0, STARTED).has("failure reason"))
                .as("seeding another torrent").isFalse();
        assertThat(second1.announce(0, 0, MIB / 2, PAUSED).has("failure reason")).as("a partial seed").isFalse();
        assertThat(leeching.announce(0, 0, MIB, NONE).has("failure reason")).as("the one it holds").isFalse();
        assertThat(admin.get("/api/users/" + user.id() + "/class").json().get("slotsInUse").asInt()).isEqualTo(1);

        leeching.announce(0, 0, MIB, STOPPED);
        assertThat(second1.announce(0, 0, MIB / 2, NONE).has("failure reason")).as("a slot is free again").isFalse();
        assertThat(events(user.id())).anyMatch(line -> line.startsWith("class/denied/download_slots"));
    }

    @Test
    void aNewcomerWaitsBeforeLeechingANewTorrent() {
        AdminClient.CreatedUser user = newUser();
        InfoHash fresh = newTorrent(MIB);
        String opens = clock.instant().plus(Duration.ofHours(24)).truncatedTo(ChronoUnit.SECONDS)
                .toString();
        TestClient leecher = client(user, fresh, "-qB4650-", "127.0.33.10");
        assertThat(leecher.announce(0, 0, MIB, STARTED).text("failure reason")).isEqualTo(
                "your class (Newcomer) may download a torrent 24 h after its upload: from " + opens);
        assertThat(client(user, fresh, "-qB4650-", "127.0.33.11").announce(0, 0, 0, STARTED).has("failure reason"))
                .as("seeding it is not limited").isFalse();
        clock.advance(Duration.ofHours(24));
        assertThat(leecher.announce(0, 0, MIB, STARTED).has("failure reason")).isFalse();
    }

    @Test
    void promotionDemotionAndPinsAreExplainedEvents() {
        AdminClient.CreatedUser user = newUser();
        jdbc.update("UPDATE users SET uploaded = ?, downloaded = ? WHERE id = ?", 2 * GIB, GIB, user.id());
        JsonNode progress = admin.get("/api/users/" + user.id() + "/class").json();
        assertThat(progress.get("userClass").asString()).isEqualTo("Newcomer");
        assertThat(progress.get("nextClass").asString()).isEqualTo("Member");
        assertThat(progress.get("requirements").findValuesAsString("name")).contains("uploaded", "ratio");

        evaluatePolicy();
        assertThat(userClass(user)).isEqualTo("Member");
        assertThat(events(user.id()).get(0)).isEqualTo("class/promoted/class_promoted: promoted from Newcomer to "
                + "Member: uploaded 2.00 GiB ≥ 1.00 GiB, ratio 2.00 ≥ 1.00");

        // Under the requirement but above the demotion ratio: stays.
        jdbc.update("UPDATE users SET downloaded = ? WHERE id = ?", 2 * GIB + GIB / 4, user.id()); // ratio 0.89
        evaluatePolicy();
        assertThat(userClass(user)).isEqualTo("Member");
        jdbc.update("UPDATE users SET downloaded = ? WHERE id = ?", 4 * GIB, user.id()); // ratio 0.5
        evaluatePolicy();
        assertThat(userClass(user)).isEqualTo("Newcomer");
        assertThat(events(user.id()).get(0)).isEqualTo(
                "class/demoted/class_demoted: demoted from Member to Newcomer: ratio 0.50 under Member's 0.80");

        assertThat(admin.put("/api/users/" + user.id() + "/class", "{\"class\":\"Member\",\"pinned\":true}").status())
                .isEqualTo(200);
        evaluatePolicy();
        assertThat(userClass(user)).as("pinned").isEqualTo("Member");
        assertThat(events(user.id()).get(0)).startsWith("class/pinned/class_pinned: pinned in Member (was Newcomer) by ");
        assertThat(admin.put("/api/users/" + user.id() + "/class", "{\"class\":\"Royalty\"}").status()).isEqualTo(400);

        List<String> names = admin.get("/api/economy/classes").json().findValuesAsString("name");
        assertThat(names).containsExactly("Newcomer", "Member", "Staff");
    }

    @Test
    void aClassScalesCreditAndCanBeImmuneToHitAndRuns() {
        AdminClient.CreatedUser staff = newUser();
        admin.put("/api/users/" + staff.id() + "/class", "{\"class\":\"Staff\",\"pinned\":true}");
        AdminClient.CreatedUser newcomer = newUser();
        InfoHash torrent = newTorrent(MIB);
        clock.advance(Duration.ofHours(25)); // past the Newcomer's leech wait
        int address = 20;
        for (AdminClient.CreatedUser user : List.of(staff, newcomer)) { // a snatch each, not seeded
            TestClient leecher = client(user, torrent, "-qB4650-", "127.0.33." + address++);
            leecher.announce(0, 0, MIB, STARTED);
            clock.advance(Duration.ofMinutes(30));
            leecher.announce(0, MIB, 0, NONE);
            leecher.announce(0, MIB, 0, STOPPED);
        }
        flushLedger();
        assertThat(userColumn(staff.id(), "downloaded")).as("download factor 0.5").isEqualTo(MIB / 2);
        assertThat(userColumn(newcomer.id(), "downloaded")).isEqualTo(MIB);

        clock.advance(Duration.ofDays(15)); // past the 14-day deadline
        evaluatePolicy();
        assertThat(events(newcomer.id())).anyMatch(line -> line.startsWith("hit_and_run/"));
        assertThat(events(staff.id())).noneMatch(line -> line.startsWith("hit_and_run/"));
    }

    private String userClass(AdminClient.CreatedUser user) {
        return admin.get("/api/users/" + user.id() + "/class").json().get("userClass").asString();
    }
}
