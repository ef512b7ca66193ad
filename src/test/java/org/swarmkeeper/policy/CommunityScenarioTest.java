package org.swarmkeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmkeeper.protocol.AnnounceEvent.COMPLETED;
import static org.swarmkeeper.protocol.AnnounceEvent.NONE;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;
import static org.swarmkeeper.protocol.AnnounceEvent.STOPPED;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;
import tools.jackson.databind.JsonNode;

/**
 * A small community over four simulated days: five users, ten torrents (one freeleech, one double upload, one
 * half leech), announces every 30 minutes, the scheduled rules every 6 hours, with a community's shorter
 * windows (seed 24 h within 2 days, ratio watch of 1 day, 2 strikes take leech rights). Every expected number
 * below is worked out by hand in the comments.
 */
@TestPropertySource(properties = {
        "tracker.policy.hit-and-run.seed-time=24h",
        "tracker.policy.hit-and-run.grace-period=2d",
        "tracker.policy.hit-and-run.prewarning-before=12h",
        "tracker.policy.hit-and-run.strike-expiry=7d",
        "tracker.policy.hit-and-run.strike-limit=2",
        "tracker.policy.ratio-watch.duration=1d",
        // Carol's and Erin's later uploads go to peers outside this simulation: swarm conservation must allow them.
        "tracker.cheat.conservation-slack=2GB"})
class CommunityScenarioTest extends TrackerIntegrationTest {

    private static final long G = 1L << 30;
    private static final Duration STEP = Duration.ofMinutes(30);
    private static final int EVALUATE_EVERY = 12;          // steps: every 6 hours
    private static final int LAST_STEP = 192;              // 96 hours

    /** One client session of one user on one torrent, announcing cumulative counters. */
    private final class Session {
        final TestClient client;
        final long size;
        long uploaded;
        long downloaded;
        long left;

        Session(CreatedUser user, InfoHash torrent, long size, String from, boolean complete) {
            this.client = client(user, torrent, "-TR3000-", from);
            this.size = size;
            this.left = complete ? 0 : size;
        }

        Bencode announce(AnnounceEvent event) {
            return client.announce(uploaded, downloaded, left, event);
        }

        void complete() {
            downloaded = size;
            left = 0;
            announce(COMPLETED);
        }
    }

    private final Set<Session> seeding = new LinkedHashSet<>();

    @Test
    void fiveUsersTenTorrentsFourDays() {
        // T0 3G, T1 4G freeleech, T2 2G double upload, T3 2G half leech, T4..T9 1G.
        long[] sizes = {3 * G, 4 * G, 2 * G, 2 * G, G, G, G, G, G, G};
        InfoHash[] t = new InfoHash[10];
        for (int i = 0; i < 10; i++) {
            t[i] = newTorrent(sizes[i]);
        }
        admin.patch("/api/torrents/" + t[1].hex(), "{\"downloadFactor\":0}");
        admin.patch("/api/torrents/" + t[2].hex(), "{\"uploadFactor\":2}");
        admin.patch("/api/torrents/" + t[3].hex(), "{\"downloadFactor\":0.5}");
        CreatedUser alice = newUser();   // uploads everything and seeds it all the time
        CreatedUser bob = newUser();     // takes three torrents and leaves: hit-and-run
        CreatedUser carol = newUser();   // downloads two and keeps seeding them
        CreatedUser dave = newUser();    // immune: takes five and leaves, nothing happens
        CreatedUser erin = newUser();    // ratio watch: downloads 5G, seeds one of two snatches, uploads late
        admin.patch("/api/users/" + dave.id(), "{\"immune\":true}");

        Session[] aliceSeeds = new Session[10];
        for (int i = 0; i < 10; i++) {
            aliceSeeds[i] = new Session(alice, t[i], sizes[i], "127.0.10.1", true);
        }
        List<Session> bobs = List.of(new Session(bob, t[0], sizes[0], "127.0.10.2", false),
                new Session(bob, t[1], sizes[1], "127.0.10.2", false), new Session(bob, t[4], sizes[4], "127.0.10.2", false));
        List<Session> carols = List.of(new Session(carol, t[2], sizes[2], "127.0.10.3", false),
                new Session(carol, t[5], sizes[5], "127.0.10.3", false));
        List<Session> daves = new ArrayList<>();
        for (int i : new int[] {3, 6, 7, 8, 9}) {
            daves.add(new Session(dave, t[i], sizes[i], "127.0.10.4", false));
        }
        Session erinT0 = new Session(erin, t[0], sizes[0], "127.0.10.5", false);
        Session erinT2 = new Session(erin, t[2], sizes[2], "127.0.10.5", false);
        List<Session> leechers = new ArrayList<>();
        leechers.addAll(bobs);
        leechers.addAll(carols);
        leechers.addAll(daves);
        leechers.addAll(List.of(erinT0, erinT2));
        Session erinLate = new Session(erin, t[5], sizes[5], "127.0.10.5", false);

        for (int step = 0; step <= LAST_STEP; step++) {
            Set<Session> announced = new LinkedHashSet<>();
            switch (step) {
                case 0 -> {
                    for (Session s : aliceSeeds) {
                        s.announce(STARTED);
                        seeding.add(s);
                    }
                    leechers.forEach(s -> s.announce(STARTED));
                }
                case 1 -> { // h0.5: everyone completes; bob, dave and erin's T0 leave at once
                    leechers.forEach(Session::complete);
                    announced.addAll(leechers);
                    for (Session s : leechers) {
                        if (carols.contains(s) || s == erinT2) {
                            seeding.add(s);
                        } else {
                            s.announce(STOPPED);
                        }
                    }
                    // Alice uploaded what everyone downloaded: T0 bob 3 + erin 3, T2 carol 2 + erin 2, the rest once.
                    long[] aliceUp = {6 * G, 4 * G, 4 * G, 2 * G, G, G, G, G, G, G};
                    for (int i = 0; i < 10; i++) {
                        aliceSeeds[i].uploaded = aliceUp[i];
                    }
                }
                case 24 -> carols.get(0).uploaded = G;            // h12: carol uploads 1G on T2 (double upload)
                case 62 -> {                                       // h31: erin lost leech rights at h30
                    Bencode refused = erinLate.announce(STARTED);
                    assertThat(refused.text("failure reason"))
                            .isEqualTo("leeching disabled: ratio 0.00 is under the required 0.08 — seed to restore");
                    announced.add(erinLate);
                }
                case 72 -> erinT2.uploaded = G / 4;               // h36: erin uploads 0.25G on T2 (double upload)
                case 109 -> {                                      // h54.5: bob, struck, comes back to seed T0
                    bobs.get(0).announce(STARTED);
                    announced.add(bobs.get(0));
                    seeding.add(bobs.get(0));
                }
            }
            if (step > 0) {
                for (Session s : seeding) {
                    if (!announced.contains(s)) {
                        s.announce(NONE);
                    }
                }
            }
            if (step > 0 && step % EVALUATE_EVERY == 0) {
                evaluatePolicy();
            }
            clock.advance(STEP);
        }

        // Alice: raw 22G (6+4+4+2+1+1+1+1+1+1); credited 26G (T2's 4G counted twice); no snatch, no download.
        assertTotals(alice, 26 * G, 0, 22 * G, 0);
        assertThat(standingOf(alice).get("hitAndRuns")).isEmpty();

        // Bob: raw 3+4+1 = 8G down, credited 3+0+1 = 4G (T1 freeleech): under 5G, no ratio requirement.
        // Three snatches left at h0.5: pre-warned at h6, struck at h54 (deadline h48.5), 2 strikes = the limit.
        // T0 seeded h54.5..h78.5 = 24h: cleared at h84. T1 and T4 stay struck: leeching stays off, except there.
        assertTotals(bob, 0, 4 * G, 0, 8 * G);
        JsonNode bobStanding = standingOf(bob);
        assertThat(bobStanding.get("requiredRatio").asDouble()).isZero();
        assertThat(bobStanding.get("ratioWatch").isNull()).isTrue();
        assertThat(bobStanding.get("activeStrikes").asInt()).isEqualTo(2);
        assertThat(states(bobStanding)).containsExactlyInAnyOrder("cleared", "struck", "struck");
        String strikesDenial = "leeching disabled: 2 active hit-and-run strikes (limit 2) — seed the torrents you "
                + "snatched to clear them";
        assertThat(bobStanding.get("leechingDeniedBecause").asString()).isEqualTo(strikesDenial);
        assertThat(new Session(bob, t[5], sizes[5], "127.0.10.2", false).announce(STARTED).text("failure reason"))
                .isEqualTo(strikesDenial);
        assertThat(new Session(bob, t[1], sizes[1], "127.0.10.6", false).announce(STARTED).has("failure reason"))
                .as("bob may fetch a struck torrent again").isFalse();
        assertThat(rulesAndOutcomes(bob)).containsExactly(
                "message/sent", "message/sent", "message/sent", // told on each completion what he owes
                "hit_and_run/prewarned", "hit_and_run/prewarned", "hit_and_run/prewarned",
                "hit_and_run/struck", "hit_and_run/struck", "hit_and_run/struck", "hit_and_run/revoked",
                "hit_and_run/cleared", "leech_rights/denied");

        // Carol: 3G down; 1G up on T2 credited 2G; seeded both snatches well past 24h: nothing on record.
        assertTotals(carol, 2 * G, 3 * G, G, 3 * G);
        assertThat(rulesAndOutcomes(carol)).as("told on each completion what seeding is owed; nothing else")
                .containsExactly("message/sent", "message/sent");

        // Dave: raw 2+4 = 6G, credited 1+4 = 5G (T3 counts half); immune, so no watch and no hit-and-run.
        assertTotals(dave, 0, 5 * G, 0, 6 * G);
        assertThat(standingOf(dave).get("ratioWatch").isNull()).isTrue();
        assertThat(rulesAndOutcomes(dave)).isEmpty();

        // Erin: 5G down, seeding 1 of 2 snatches: required 0.15 - 0.15 * 0.5 = 0.075. Watch h6..h30, revoked at
        // h30, refused at h31, 0.25G up on T2 (credited 0.5G: ratio 0.10) restores at h36. T0 left at h0.5:
        // pre-warned at h6, struck at h54; one strike is under the limit.
        assertTotals(erin, G / 2, 5 * G, G / 4, 5 * G);
        JsonNode erinStanding = standingOf(erin);
        assertThat(erinStanding.get("requiredRatio").asDouble()).isEqualTo(0.075);
        assertThat(erinStanding.get("ratioWatch").isNull()).isTrue();
        assertThat(erinStanding.get("leechingAllowed").asBoolean()).isTrue();
        assertThat(erinStanding.get("activeStrikes").asInt()).isEqualTo(1);
        assertThat(rulesAndOutcomes(erin)).containsExactly(
                "message/sent", "message/sent", // what each completion owes
                "ratio_watch/started", "hit_and_run/prewarned",
                "message/sent", // the watch's numbers, at her next announce
                "ratio_watch/revoked", "leech_rights/denied", "ratio_watch/restored", "hit_and_run/struck");
    }

    private void assertTotals(CreatedUser user, long uploaded, long downloaded, long rawUploaded, long rawDownloaded) {
        JsonNode view = admin.user(user.id());
        assertThat(new long[] {view.get("uploaded").asLong(), view.get("downloaded").asLong(),
                view.get("rawUploaded").asLong(), view.get("rawDownloaded").asLong()})
                .as("uploaded, downloaded, raw uploaded, raw downloaded of user " + user.id())
                .containsExactly(uploaded, downloaded, rawUploaded, rawDownloaded);
    }

    private JsonNode standingOf(CreatedUser user) {
        return admin.user(user.id()).get("standing");
    }

    private static List<String> states(JsonNode standing) {
        List<String> states = new ArrayList<>();
        standing.get("hitAndRuns").forEach(h -> states.add(h.get("state").asString()));
        return states;
    }

    /** The user's decisions oldest first, as rule/outcome. */
    private List<String> rulesAndOutcomes(CreatedUser user) {
        List<String> lines = new ArrayList<>(events(user.id()).stream()
                .map(event -> event.substring(0, event.indexOf('/', event.indexOf('/') + 1))).toList());
        Collections.reverse(lines);
        return lines;
    }
}
