package org.swarmkeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmkeeper.protocol.AnnounceEvent.COMPLETED;
import static org.swarmkeeper.protocol.AnnounceEvent.NONE;
import static org.swarmkeeper.protocol.AnnounceEvent.PAUSED;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;
import static org.swarmkeeper.protocol.AnnounceEvent.STOPPED;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;
import tools.jackson.databind.JsonNode;

/**
 * The ratio watch with the default Gazelle table: 6 GiB downloaded and nothing seeded requires 0.15. Time moves
 * with the test clock; the scheduled evaluation runs when the test says.
 */
class RatioWatchTest extends TrackerIntegrationTest {

    private static final long GIB = 1L << 30;
    private static final Duration INTERVAL = Duration.ofMinutes(30);
    private static final String DENIED = "leeching disabled: ratio 0.00 is under the required 0.15 — seed to restore";

    private String leech(CreatedUser user, String from) {
        TestClient client = client(user, newTorrent(GIB), "-TR3000-", from);
        var answer = client.announce(0, 0, GIB, STARTED);
        client.announce(0, 0, GIB, STOPPED);
        return answer.has("failure reason") ? answer.text("failure reason") : null;
    }

    /** The newest ratio watch or leech-rights decision (hit-and-run ones and messages are for other tests). */
    private String latest(CreatedUser user) {
        return events(user.id()).stream().filter(event -> !event.startsWith("hit_and_run/")
                && !event.startsWith("message/")).findFirst().orElseThrow();
    }

    private JsonNode standing(CreatedUser user) {
        return admin.user(user.id()).get("standing");
    }

    @Test
    void underTheRequirementAWatchStartsThenRightsGoThenComeBackWithTheRatio() {
        CreatedUser user = newUser();
        snatchAndLeave(user, newTorrent(6 * GIB), 6 * GIB, "127.0.8.1");
        evaluatePolicy();
        JsonNode onWatch = standing(user);
        assertThat(onWatch.get("requiredRatio").asDouble()).isEqualTo(0.15);
        assertThat(onWatch.get("ratioWatch").get("endsAt").asString()).isNotEmpty();
        assertThat(latest(user)).startsWith("ratio_watch/started/ratio_under_required: ratio watch until ")
                .endsWith(": ratio 0.00 is under the required 0.15; seed to raise it, or leech rights are taken away "
                        + "(also after downloading 10.0 GiB meanwhile)");
        assertThat(leech(user, "127.0.8.2")).as("a watch alone takes nothing away").isNull();

        clock.advance(Duration.ofDays(13));
        evaluatePolicy();
        assertThat(leech(user, "127.0.8.2")).isNull();
        clock.advance(Duration.ofDays(1));
        double revokedBefore = decisions("ratio_watch", "revoked");
        evaluatePolicy();
        assertThat(decisions("ratio_watch", "revoked") - revokedBefore).isGreaterThanOrEqualTo(1);
        assertThat(latest(user)).isEqualTo("ratio_watch/revoked/ratio_watch_expired: leech rights taken "
                + "away: the ratio watch ended and ratio 0.00 is under the required 0.15");
        assertThat(standing(user).get("leechingDeniedBecause").asString()).isEqualTo(DENIED);
        assertThat(leech(user, "127.0.8.2")).isEqualTo(DENIED);
        assertThat(latest(user)).isEqualTo("leech_rights/denied/ratio_under_required: " + DENIED);

        // Seeding and partial seeding stay allowed; 1 GiB uploaded makes the ratio 0.16.
        InfoHash seeded = newTorrent(GIB);
        TestClient seeder = client(user, seeded, "-TR3000-", "127.0.8.3");
        assertThat(seeder.announce(0, 0, 0, STARTED).has("failure reason")).isFalse();
        TestClient partial = client(user, newTorrent(GIB), "-TR3000-", "127.0.8.4");
        assertThat(partial.announce(0, 0, GIB / 2, PAUSED).has("failure reason")).isFalse();
        clock.advance(INTERVAL);
        seeder.announce(GIB, 0, 0, NONE);
        evaluatePolicy();
        assertThat(latest(user)).isEqualTo("ratio_watch/restored/ratio_recovered: leech rights "
                + "restored: ratio 0.16 meets the required 0.15");
        assertThat(leech(user, "127.0.8.2")).isNull();
        assertThat(standing(user).get("ratioWatch").isNull()).isTrue();
    }

    @Test
    void downloadingMoreThanTheLimitDuringTheWatchTakesRightsAtOnce() {
        CreatedUser user = newUser();
        snatchAndLeave(user, newTorrent(6 * GIB), 6 * GIB, "127.0.8.10");
        evaluatePolicy();
        snatchAndLeave(user, newTorrent(11 * GIB), 11 * GIB, "127.0.8.11");
        evaluatePolicy();
        assertThat(latest(user)).isEqualTo("ratio_watch/revoked/ratio_watch_download_limit: leech rights "
                + "taken away: downloaded 11.0 GiB during the ratio watch (limit 10.0 GiB) and ratio 0.00 is under "
                + "the required 0.20");
        assertThat(leech(user, "127.0.8.12"))
                .isEqualTo("leeching disabled: ratio 0.00 is under the required 0.20 — seed to restore");
    }

    @Test
    void seedingWhatYouSnatchedLowersTheRequirement() {
        CreatedUser user = newUser();
        InfoHash kept = newTorrent(3 * GIB);
        TestClient keeper = client(user, kept, "-qB4520-", "127.0.8.20");
        keeper.announce(0, 0, 3 * GIB, STARTED);
        clock.advance(INTERVAL);
        keeper.announce(0, 3 * GIB, 0, COMPLETED);       // snatched and still seeding
        snatchAndLeave(user, newTorrent(3 * GIB), 3 * GIB, "127.0.8.21");      // snatched and gone
        evaluatePolicy();
        // 6 GiB downloaded, half the snatches seeded: 0.15 - 0.15 * 0.5.
        assertThat(standing(user).get("requiredRatio").asDouble()).isEqualTo(0.075);
        assertThat(standing(user).get("seedingShare").asDouble()).isEqualTo(0.5);
    }

    @Test
    void immuneUsersAndStaffOverridesLeaveTheWatch() {
        CreatedUser immune = newUser();
        admin.patch("/api/users/" + immune.id(), "{\"immune\":true}");
        snatchAndLeave(immune, newTorrent(6 * GIB), 6 * GIB, "127.0.8.30");
        evaluatePolicy();
        assertThat(standing(immune).get("ratioWatch").isNull()).isTrue();

        CreatedUser pardoned = newUser();
        snatchAndLeave(pardoned, newTorrent(6 * GIB), 6 * GIB, "127.0.8.31");
        evaluatePolicy();
        clock.advance(Duration.ofDays(15));
        evaluatePolicy();
        assertThat(leech(pardoned, "127.0.8.32")).isEqualTo(DENIED);
        admin.patch("/api/users/" + pardoned.id(), "{\"canLeech\":true}");
        assertThat(leech(pardoned, "127.0.8.32")).as("staff gave the rights back").isNull();
        assertThat(latest(pardoned)).isEqualTo("leech_rights/restored/staff: leech rights restored by staff");
        admin.patch("/api/users/" + pardoned.id(), "{\"canLeech\":true}");
        assertThat(events(pardoned.id()).stream().filter(e -> e.startsWith("leech_rights/restored")).count())
                .as("re-sending the current state logs nothing").isEqualTo(1);
        evaluatePolicy();
        assertThat(latest(pardoned)).as("still under: a fresh watch, not an instant revocation")
                .startsWith("ratio_watch/started/");
    }
}
