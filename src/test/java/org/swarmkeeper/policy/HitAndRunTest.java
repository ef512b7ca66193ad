package org.swarmkeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmkeeper.protocol.AnnounceEvent.COMPLETED;
import static org.swarmkeeper.protocol.AnnounceEvent.NONE;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;
import static org.swarmkeeper.protocol.AnnounceEvent.STOPPED;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;
import tools.jackson.databind.JsonNode;

/**
 * Hit-and-run with the defaults: seed a snatch 72 h within 14 days (or reach ratio 1.0 on it), a pre-warning
 * first, a strike at the deadline, strikes expiring after 30 days, three active strikes take leech rights
 * except on the struck torrents, and seeding clears a strike.
 */
class HitAndRunTest extends TrackerIntegrationTest {

    private static final long SIZE = 1_000_000;
    private static final Duration INTERVAL = Duration.ofMinutes(30);

    private record Snatch(InfoHash torrent, TestClient client) {
    }

    private Snatch snatchAndLeave(CreatedUser user, String from, long downloaded) {
        InfoHash torrent = newTorrent(SIZE);
        TestClient client = client(user, torrent, "-qB4520-", from);
        client.announce(0, 0, SIZE, STARTED);
        clock.advance(INTERVAL);
        client.announce(0, downloaded, 0, COMPLETED);
        client.announce(0, downloaded, 0, STOPPED);
        return new Snatch(torrent, client);
    }

    /** Seeds a torrent already complete for {@code duration}, announcing every 30 minutes, then stops. */
    private void seed(TestClient client, long downloaded, Duration duration) {
        client.announce(0, downloaded, 0, STARTED);
        for (Duration seeded = Duration.ZERO; seeded.compareTo(duration) < 0; seeded = seeded.plus(INTERVAL)) {
            clock.advance(INTERVAL);
            client.announce(0, downloaded, 0, NONE);
        }
        client.announce(0, downloaded, 0, STOPPED);
    }

    private List<String> hitAndRunEvents(CreatedUser user) {
        return events(user.id()).stream().filter(event -> event.startsWith("hit_and_run/")).toList();
    }

    private JsonNode standing(CreatedUser user) {
        return admin.user(user.id()).get("standing");
    }

    private String leechNew(CreatedUser user, String from) {
        var answer = client(user, newTorrent(SIZE), "-TR3000-", from).announce(0, 0, SIZE, STARTED);
        return answer.has("failure reason") ? answer.text("failure reason") : null;
    }

    @Test
    void uploadTheTrackerWithheldDoesNotMeetTheTorrentRatio() {
        CreatedUser forger = newUser();
        Snatch forged = snatchAndLeave(forger, "127.0.9.20", SIZE);
        clock.advance(Duration.ofHours(1));
        forged.client().announce(2 * SIZE, SIZE, 0, STARTED); // "uploaded while stopped": withheld
        forged.client().announce(2 * SIZE, SIZE, 0, STOPPED);
        CreatedUser honest = newUser();
        Snatch earned = snatchAndLeave(honest, "127.0.9.21", SIZE);
        clock.advance(Duration.ofHours(1));
        earned.client().announce(0, SIZE, 0, STARTED);
        clock.advance(INTERVAL);
        earned.client().announce(2 * SIZE, SIZE, 0, STOPPED); // uploaded while seeding: trusted
        evaluatePolicy();
        assertThat(userColumn(forger.id(), "withheld_uploaded")).isEqualTo(2 * SIZE);
        assertThat(hitAndRunEvents(forger)).singleElement().asString()
                .startsWith("hit_and_run/prewarned/not_seeded_enough");
        assertThat(hitAndRunEvents(honest)).as("ratio 2.0 on the torrent meets it").isEmpty();
    }

    @Test
    void aSnatchLeftUnseededIsPrewarnedThenStruckAndSeedingClearsIt() {
        CreatedUser user = newUser();
        Snatch snatch = snatchAndLeave(user, "127.0.9.1", SIZE);
        evaluatePolicy();
        assertThat(hitAndRunEvents(user).get(0)).startsWith("hit_and_run/prewarned/not_seeded_enough: hit-and-run "
                + "warning on 't-" + snatch.torrent().hex() + "': seeded 0 h of 72 h; seed it until ");

        clock.advance(Duration.ofDays(14));
        evaluatePolicy();
        assertThat(hitAndRunEvents(user).get(0)).startsWith("hit_and_run/struck/not_seeded_in_time: hit-and-run strike");
        assertThat(standing(user).get("activeStrikes").asInt()).isEqualTo(1);
        assertThat(leechNew(user, "127.0.9.2")).as("one strike takes nothing away").isNull();

        seed(snatch.client(), SIZE, Duration.ofHours(72));
        evaluatePolicy();
        assertThat(hitAndRunEvents(user).get(0)).startsWith("hit_and_run/cleared/obligation_met: hit-and-run on 't-"
                + snatch.torrent().hex() + "' cleared: seeded 72 h of 72 h");
        assertThat(standing(user).get("activeStrikes").asInt()).isZero();
        assertThat(standing(user).get("hitAndRuns").get(0).get("state").asString()).isEqualTo("cleared");
    }

    @Test
    void threeStrikesTakeLeechRightsExceptOnTheStruckTorrentsUntilOneIsCleared() {
        CreatedUser user = newUser();
        Snatch first = snatchAndLeave(user, "127.0.9.10", SIZE);
        Snatch second = snatchAndLeave(user, "127.0.9.11", SIZE);
        snatchAndLeave(user, "127.0.9.12", SIZE);
        evaluatePolicy();
        clock.advance(Duration.ofDays(15));
        evaluatePolicy();
        assertThat(events(user.id()).get(0)).isEqualTo("hit_and_run/revoked/hit_and_run_strikes: leech rights taken "
                + "away: 3 active hit-and-run strikes (limit 3)");
        String denied = "leeching disabled: 3 active hit-and-run strikes (limit 3) — seed the torrents you snatched "
                + "to clear them";
        assertThat(leechNew(user, "127.0.9.13")).isEqualTo(denied);
        assertThat(standing(user).get("leechingDeniedBecause").asString()).isEqualTo(denied);
        TestClient refetch = client(user, first.torrent(), "-TR3000-", "127.0.9.14");
        assertThat(refetch.announce(0, 0, SIZE, STARTED).has("failure reason"))
                .as("a struck torrent may be fetched again to seed it").isFalse();
        refetch.announce(0, 0, SIZE, STOPPED);

        // Uploading as much as was downloaded (torrent ratio 1.0) meets the obligation as well.
        second.client().announce(0, SIZE, 0, STARTED);
        clock.advance(INTERVAL);
        second.client().announce(SIZE, SIZE, 0, STOPPED);
        evaluatePolicy();
        assertThat(events(user.id()).subList(0, 2)).containsExactly(
                "hit_and_run/restored/hit_and_run_strikes: leech rights restored: 2 active hit-and-run strikes (limit 3)",
                "hit_and_run/cleared/obligation_met: hit-and-run on 't-" + second.torrent().hex()
                        + "' cleared: seeded 0 h of 72 h or ratio 1.0 reached");
        assertThat(leechNew(user, "127.0.9.15")).isNull();

        clock.advance(Duration.ofDays(30));
        evaluatePolicy();
        assertThat(standing(user).get("activeStrikes").asInt()).as("strikes expire").isZero();
        assertThat(hitAndRunEvents(user).get(0)).endsWith("expired");
    }

    @Test
    void aSnatchFoundAfterItsDeadlineIsPrewarnedFirstWithTimeToAct() {
        CreatedUser user = newUser();
        snatchAndLeave(user, "127.0.9.30", SIZE);
        clock.advance(Duration.ofDays(20)); // no evaluation meanwhile: an upgrade, or the evaluator was down
        evaluatePolicy();
        evaluatePolicy();
        assertThat(hitAndRunEvents(user)).singleElement().asString().startsWith("hit_and_run/prewarned/");
        clock.advance(Duration.ofDays(2).minusMinutes(1));
        evaluatePolicy();
        assertThat(hitAndRunEvents(user)).hasSize(1);
        clock.advance(Duration.ofMinutes(1));
        evaluatePolicy();
        assertThat(hitAndRunEvents(user).get(0)).startsWith("hit_and_run/struck/");
    }

    @Test
    void snatchesSeededEnoughOrBarelyDownloadedCreateNoObligation() {
        CreatedUser user = newUser();
        InfoHash seededTorrent = newTorrent(SIZE);
        TestClient seeder = client(user, seededTorrent, "-qB4520-", "127.0.9.20");
        seeder.announce(0, 0, SIZE, STARTED);
        clock.advance(INTERVAL);
        seeder.announce(0, SIZE, 0, COMPLETED);
        evaluatePolicy();
        assertThat(hitAndRunEvents(user)).as("seeding, far from the deadline").isEmpty();
        seed(seeder, SIZE, Duration.ofHours(72));

        snatchAndLeave(user, "127.0.9.21", SIZE / 20); // 5 %: the rest came from elsewhere (cross-seeding)
        evaluatePolicy();
        clock.advance(Duration.ofDays(15));
        evaluatePolicy();
        assertThat(hitAndRunEvents(user)).isEmpty();
    }
}
