package org.swarmkeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmkeeper.protocol.AnnounceEvent.NONE;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;
import static org.swarmkeeper.protocol.AnnounceEvent.STOPPED;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;
import tools.jackson.databind.JsonNode;

/**
 * Freeleech, neutral, double upload, partial factors, personal freeleech, site-wide events and freeleech
 * tokens: raw bytes are stored as reported, credited bytes scaled by the factors in force at the announce.
 */
class CreditFactorsTest extends TrackerIntegrationTest {

    private static final long SIZE = 1_000_000;
    private static final Duration INTERVAL = Duration.ofMinutes(30);

    /** One leecher session reporting {@code up} and {@code down} bytes over three announces; returns the user. */
    private JsonNode transfer(CreatedUser user, InfoHash torrent, long up, long down) {
        TestClient client = client(user, torrent, "-qB4520-", "127.0.1.1");
        client.announce(0, 0, SIZE, STARTED);
        clock.advance(INTERVAL);
        client.announce(up, down, SIZE - down, NONE);
        clock.advance(INTERVAL);
        client.announce(up, down, SIZE - down, STOPPED);
        return admin.user(user.id());
    }

    private static void assertTotals(JsonNode user, long uploaded, long downloaded, long rawUploaded, long rawDownloaded) {
        assertThat(user.get("uploaded").asLong()).as("credited upload").isEqualTo(uploaded);
        assertThat(user.get("downloaded").asLong()).as("credited download").isEqualTo(downloaded);
        assertThat(user.get("rawUploaded").asLong()).as("raw upload").isEqualTo(rawUploaded);
        assertThat(user.get("rawDownloaded").asLong()).as("raw download").isEqualTo(rawDownloaded);
    }

    private void factors(InfoHash torrent, String json) {
        assertThat(admin.patch("/api/torrents/" + torrent.hex(), json).status()).isEqualTo(200);
    }

    @Test
    void torrentFactorsScaleCreditAndKeepRawBytes() {
        InfoHash freeleech = newTorrent(SIZE);
        factors(freeleech, "{\"downloadFactor\":0.0}");
        assertTotals(transfer(newUser(), freeleech, 300, 800), 300, 0, 300, 800);

        InfoHash doubleUpload = newTorrent(SIZE);
        factors(doubleUpload, "{\"uploadFactor\":2.0}");
        assertTotals(transfer(newUser(), doubleUpload, 300, 800), 600, 800, 300, 800);

        InfoHash halfLeech = newTorrent(SIZE);
        factors(halfLeech, "{\"downloadFactor\":0.5}");
        assertTotals(transfer(newUser(), halfLeech, 300, 801), 300, 400, 300, 801);

        InfoHash neutral = newTorrent(SIZE);
        factors(neutral, "{\"downloadFactor\":0.0,\"uploadFactor\":0.0}");
        CreatedUser user = newUser();
        assertTotals(transfer(user, neutral, 300, 800), 0, 0, 300, 800);
        long historyUploaded = jdbc.queryForObject("""
                SELECT h.raw_uploaded - h.uploaded FROM user_torrent_history h JOIN torrents t ON t.id = h.torrent_id
                WHERE h.user_id = ? AND t.info_hash = ?""", Long.class, user.id(), neutral.toBytes());
        assertThat(historyUploaded).as("history keeps raw and credited too").isEqualTo(300);
    }

    @Test
    void invalidFactorsAreRefusedWithFieldErrors() {
        InfoHash torrent = newTorrent(SIZE);
        var answer = admin.patch("/api/torrents/" + torrent.hex(), "{\"downloadFactor\":-1,\"uploadFactor\":11}");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("errors").propertyNames()).containsExactlyInAnyOrder("downloadFactor", "uploadFactor");
    }

    @Test
    void personalFreeleechCountsNothingDownloadedUntilItEnds() {
        InfoHash torrent = newTorrent(SIZE);
        CreatedUser user = newUser();
        Instant until = clock.instant().plus(Duration.ofHours(1));
        admin.patch("/api/users/" + user.id(), "{\"personalFreeleechUntil\":\"" + until + "\"}");
        TestClient client = client(user, torrent, "-TR3000-", "127.0.1.2");
        client.announce(0, 0, SIZE, STARTED);
        clock.advance(INTERVAL);
        client.announce(0, 400, SIZE - 400, NONE);      // inside personal freeleech
        clock.advance(Duration.ofMinutes(40));
        client.announce(0, 1000, SIZE - 1000, NONE);    // after it ended: 600 count
        client.announce(0, 1000, SIZE - 1000, STOPPED);
        assertTotals(admin.user(user.id()), 0, 600, 0, 1000);

        admin.patch("/api/users/" + user.id(), "{\"personalFreeleechUntil\":null}");
        assertThat(admin.user(user.id()).get("personalFreeleechUntil").isNull()).isTrue();
    }

    @Test
    void siteEventAppliesBetweenItsStartAndEnd() {
        InfoHash torrent = newTorrent(SIZE);
        Instant start = clock.instant().plus(INTERVAL);
        long event = siteEvent("{\"name\":\"weekend\",\"downloadFactor\":0,\"uploadFactor\":2,"
                + "\"startsAt\":\"" + start + "\",\"endsAt\":\"" + start.plus(Duration.ofHours(1)) + "\"}");
        try {
            CreatedUser user = newUser();
            TestClient client = client(user, torrent, "-TR3000-", "127.0.1.3");
            client.announce(0, 0, SIZE, STARTED);
            clock.advance(Duration.ofMinutes(20));
            client.announce(100, 100, SIZE - 100, NONE);      // before the event: 100 up, 100 down
            clock.advance(Duration.ofMinutes(20));
            client.announce(200, 300, SIZE - 300, NONE);      // during: +100 up doubled, +200 down free
            clock.advance(Duration.ofHours(1));
            client.announce(300, 400, SIZE - 400, STOPPED);   // after: +100, +100
            assertTotals(admin.user(user.id()), 100 + 200 + 100, 100 + 0 + 100, 300, 400);
        } finally {
            admin.delete("/api/site-events/" + event);
        }
    }

    @Test
    void anEventLeavesTheFactorsItDoesNotNameAndNeverOverridesANeutralTorrent() {
        InfoHash doubleUpload = newTorrent(SIZE);
        factors(doubleUpload, "{\"uploadFactor\":2.0}");
        InfoHash neutral = newTorrent(SIZE);
        factors(neutral, "{\"downloadFactor\":0.0,\"uploadFactor\":0.0}");
        Instant now = clock.instant();
        long freeleech = siteEvent("{\"name\":\"freeleech only\",\"downloadFactor\":0,\"startsAt\":\""
                + now + "\",\"endsAt\":\"" + now.plus(Duration.ofDays(1)) + "\"}");
        long bonus = siteEvent("{\"name\":\"triple upload\",\"uploadFactor\":3,\"startsAt\":\""
                + now + "\",\"endsAt\":\"" + now.plus(Duration.ofDays(1)) + "\"}");
        try {
            assertTotals(transfer(newUser(), doubleUpload, 300, 800), 900, 0, 300, 800);
            assertTotals(transfer(newUser(), neutral, 300, 800), 0, 0, 300, 800);
        } finally {
            admin.delete("/api/site-events/" + freeleech);
            admin.delete("/api/site-events/" + bonus);
        }
    }

    private long siteEvent(String json) {
        var created = admin.post("/api/site-events", json);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("id").asLong();
    }

    @Test
    void aSpentFreeleechTokenMakesThatTorrentFreeForThatUser() {
        InfoHash tokenTorrent = newTorrent(SIZE);
        InfoHash otherTorrent = newTorrent(SIZE);
        CreatedUser user = newUser();
        String spend = "{\"infoHash\":\"" + tokenTorrent.hex() + "\"}";
        assertThat(admin.post("/api/users/" + user.id() + "/freeleech-tokens", spend).status()).isEqualTo(409);

        admin.patch("/api/users/" + user.id(), "{\"freeleechTokens\":1}");
        var spent = admin.post("/api/users/" + user.id() + "/freeleech-tokens", spend);
        assertThat(spent.status()).isEqualTo(200);
        assertThat(spent.json().get("freeleechTokens").asInt()).isZero();
        assertThat(admin.post("/api/users/" + user.id() + "/freeleech-tokens", spend).json().get("detail").asString())
                .isEqualTo("a token is already spent on this torrent");

        transfer(user, tokenTorrent, 0, 700);
        assertTotals(transfer(user, otherTorrent, 0, 500), 0, 500, 0, 1200);
    }
}
