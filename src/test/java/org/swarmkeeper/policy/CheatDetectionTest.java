package org.swarmkeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmkeeper.protocol.AnnounceEvent.COMPLETED;
import static org.swarmkeeper.protocol.AnnounceEvent.NONE;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.AnnounceRequest;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.RawHttp;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;
import tools.jackson.databind.JsonNode;

/** Each cheat rule over real HTTP: what triggers it, the evidence recorded, the action taken, and what does not. */
class CheatDetectionTest extends TrackerIntegrationTest {

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    @Autowired
    MeterRegistry meters;

    /** This user's findings as {@code code/outcome: evidence}, newest first. */
    private List<String> flags(CreatedUser user) {
        List<String> lines = new ArrayList<>();
        for (JsonNode flag : admin.get("/api/users/" + user.id() + "/flags").json()) {
            lines.add(flag.get("code").asString() + "/" + flag.get("outcome").asString() + ": "
                    + flag.get("message").asString());
        }
        return lines;
    }

    private double flagCount(String rule) {
        Counter counter = meters.find("tracker.cheat.flags").tag("rule", rule).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void uploadFasterThanTheCeilingIsCreditedUpToTheCeilingAndTheRestRecordedRaw() {
        CreatedUser user = newUser();
        TestClient seeder = client(user, newTorrent(GIB), "-TR3000-", "127.0.11.1");
        seeder.announce(0, 0, 0, STARTED);
        clock.advance(Duration.ofSeconds(30));
        double before = flagCount("upload_speed");
        seeder.announce(10 * GIB, 0, 0, NONE);
        flushLedger();
        JsonNode view = admin.user(user.id());
        long allowed = 30 * 100 * MIB;
        assertThat(view.get("rawUploaded").asLong()).isEqualTo(10 * GIB);
        assertThat(view.get("uploaded").asLong()).as("credit up to the ceiling").isEqualTo(allowed);
        assertThat(view.get("withheldUploaded").asLong()).isEqualTo(10 * GIB - allowed);
        assertThat(flags(user)).contains("upload_speed/withheld: uploaded 10737418240 bytes in 30.0 s of "
                + "active time: 3145728000 allowed at the ceiling of 100 MiB/s, 7591690240 beyond");
        assertThat(flagCount("upload_speed") - before).isEqualTo(1);
        assertThat(admin.get("/api/flags").json().toString()).contains("7591690240 beyond");
    }

    @Test
    void aBurstReportedWithinASecondIsMeasuredOverAFullSecond() {
        CreatedUser user = newUser();
        TestClient seeder = client(user, newTorrent(GIB), "-TR3000-", "127.0.11.10");
        seeder.announce(0, 0, 0, STARTED);
        clock.advance(Duration.ofMillis(500));
        seeder.announce(GIB, 0, 0, NONE);
        assertThat(flags(user)).contains("upload_speed/withheld: uploaded 1073741824 bytes in 1.0 s of active "
                + "time: 104857600 allowed at the ceiling of 100 MiB/s, 968884224 beyond");
    }

    @Test
    void uploadClaimedAcrossAStopEarnsNoCredit() {
        CreatedUser user = newUser();
        TestClient seeder = client(user, newTorrent(GIB), "-TR3000-", "127.0.11.11");
        seeder.announce(0, 0, 0, STARTED);
        clock.advance(Duration.ofMinutes(10));
        seeder.announce(MIB, 0, 0, AnnounceEvent.STOPPED);
        clock.advance(Duration.ofHours(5)); // away: under the ceiling over the whole gap, but none of it active
        seeder.announce(MIB + 5 * GIB, 0, 0, STARTED);
        flushLedger();
        JsonNode view = admin.user(user.id());
        assertThat(view.get("uploaded").asLong()).as("only what was made while active").isEqualTo(MIB);
        assertThat(view.get("rawUploaded").asLong()).isEqualTo(MIB + 5 * GIB);
        assertThat(flags(user)).contains("upload_speed/withheld: uploaded 5368709120 bytes in 0.0 s of active "
                + "time (stopped since the last announce): 0 allowed at the ceiling of 100 MiB/s, "
                + "5368709120 beyond");
    }

    @Test
    void uploadClaimedAfterALongSilenceEarnsOnlyTheIntervalHandedOutAndTheTolerance() {
        CreatedUser user = newUser();
        TestClient seeder = client(user, newTorrent(GIB), "-TR3000-", "127.0.11.12");
        seeder.announce(0, 0, 0, STARTED);
        clock.advance(Duration.ofHours(3)); // silent for hours; active time counts up to 30 min + 10 % + 5 min
        seeder.announce(2000 * GIB, 0, 0, NONE);
        flushLedger();
        assertThat(admin.user(user.id()).get("uploaded").asLong()).isEqualTo(38 * 60 * 100 * MIB);
        assertThat(flags(user)).contains("upload_speed/withheld: uploaded 2147483648000 bytes in 2280.0 s of active "
                + "time: 239075328000 allowed at the ceiling of 100 MiB/s, 1908408320000 beyond");
    }

    @Test
    void downloadingWhileClaimingToBeCompleteIsFlagged() {
        CreatedUser user = newUser();
        admin.patch("/api/users/" + user.id(), "{\"canLeech\":false}");
        TestClient client = client(user, newTorrent(GIB), "-qB4520-", "127.0.11.13");
        client.announce(0, 0, 0, STARTED);
        clock.advance(Duration.ofMinutes(30));
        client.announce(0, 200 * MIB, 0, NONE);
        clock.advance(Duration.ofMinutes(30));
        client.announce(0, 200 * MIB + MIB, 0, NONE); // within the slack: data in flight at completion
        assertThat(flags(user)).containsExactly("downloaded_while_complete/flagged: downloaded 209715200 bytes since "
                + "the last announce while reporting left=0 then and now (slack 16777216); the account has no leech "
                + "rights");
    }

    @Test
    void uploadNobodyDownloadedIsFlaggedAndUploadOthersDownloadedIsNot() {
        InfoHash torrent = newTorrent(GIB);
        CreatedUser faker = newUser();
        TestClient fake = client(faker, torrent, "-TR3000-", "127.0.11.2");
        fake.announce(0, 0, 0, STARTED);
        clock.advance(Duration.ofMinutes(10));
        fake.announce(200 * MIB, 0, 0, NONE);
        assertThat(flags(faker)).singleElement().asString().startsWith("conservation/flagged: uploaded 209715200 bytes"
                + " within 30 min while the other users on this torrent plausibly downloaded 0");
        flushLedger();
        assertThat(admin.user(faker.id()).get("uploaded").asLong()).as("a flag alone keeps the credit").isEqualTo(200 * MIB);

        CreatedUser leecher = newUser();
        TestClient leech = client(leecher, torrent, "-qB4520-", "127.0.11.3");
        leech.announce(0, 0, GIB, STARTED);
        clock.advance(Duration.ofMinutes(5));
        leech.announce(0, 300 * MIB, GIB - 300 * MIB, NONE);
        CreatedUser honest = newUser();
        TestClient seeder = client(honest, torrent, "-TR3000-", "127.0.11.4");
        seeder.announce(0, 0, 0, STARTED);
        clock.advance(Duration.ofMinutes(5));
        seeder.announce(300 * MIB, 0, 0, NONE);
        assertThat(flags(honest)).isEmpty();
    }

    @Test
    void anAccompliceCannotVouchForMoreThanOneCopy() {
        InfoHash torrent = newTorrent(GIB);
        CreatedUser accomplice = newUser();
        TestClient vouching = client(accomplice, torrent, "-qB4520-", "127.0.11.14");
        vouching.announce(0, 0, GIB, STARTED);
        CreatedUser faker = newUser();
        TestClient fake = client(faker, torrent, "-TR3000-", "127.0.11.15");
        fake.announce(0, 0, 0, STARTED);
        clock.advance(Duration.ofMinutes(10));
        vouching.announce(0, 50 * GIB, GIB, NONE); // within its speed ceiling, but 50 copies of the torrent
        fake.announce(5 * GIB, 0, 0, NONE);
        assertThat(flags(faker)).containsExactly("conservation/flagged: uploaded 5368709120 bytes within 30 min while "
                + "the other users on this torrent plausibly downloaded 1073741824 (slack 67108864)");
    }

    @Test
    void completedWithoutDownloadingAnythingIsFlagged() {
        CreatedUser user = newUser();
        TestClient client = client(user, newTorrent(GIB), "-qB4520-", "127.0.11.5");
        client.announce(0, 0, GIB, STARTED);
        clock.advance(Duration.ofMinutes(30));
        client.announce(0, 0, 0, COMPLETED);
        assertThat(flags(user)).containsExactly("completed_without_download/flagged: announced completed having "
                + "downloaded 0 bytes of a 1073741824-byte torrent");
    }

    @Test
    void repeatedCounterResetsOfOnePeerAreFlaggedOnce() {
        CreatedUser user = newUser();
        TestClient client = client(user, newTorrent(GIB), "-TR3000-", "127.0.11.6");
        client.announce(0, 0, 0, STARTED);
        for (int i = 1; i <= 5; i++) {
            clock.advance(Duration.ofMinutes(2));
            client.announce(1_000 * i, 0, 0, NONE);
            clock.advance(Duration.ofMinutes(2));
            client.announce(0, 0, 0, NONE); // counters back to zero
        }
        assertThat(flags(user)).containsExactly("counter_resets/flagged: 4 counter resets of one peer within 60 min (limit 3)");
    }

    @Test
    void aPeerIdThatContradictsTheUserAgentIsFlagged() throws Exception {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(GIB);
        String query = new AnnounceRequest(torrent, PeerId.of("-qB4520-abcdefghijkl".getBytes(StandardCharsets.ISO_8859_1)),
                51413, 0, 0, 0, STARTED, true, false, 50, null).toQueryString();
        RawHttp.announce("127.0.11.7", trackerPort, user.passkey(), query, "User-Agent: Transmission/3.00\r\n");
        assertThat(flags(user)).containsExactly(
                "client_mismatch/flagged: peer_id -qB4520- names qBittorrent but the User-Agent is 'Transmission/3.00'");
    }

    @Test
    void aLivePeerIdClaimedWithAnotherKeyFromAnotherAddressIsRefused() throws Exception {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(GIB);
        PeerId peerId = PeerId.of("-TR3000-hijackme0000".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(announce(user, torrent, peerId, "key-one", "127.0.11.8").has("failure reason")).isFalse();
        Bencode hijack = announce(user, torrent, peerId, "key-two", "127.0.11.9");
        assertThat(hijack.text("failure reason")).isEqualTo("peer_id already in use by another client: restart your client");
        assertThat(announce(user, torrent, peerId, "key-two", "127.0.11.8").has("failure reason"))
                .as("from the peer's own address a new key is the owner's").isFalse();
        assertThat(flags(user)).singleElement().asString().startsWith("peer_hijack/refused: peer_id -TR3000- is live "
                + "with another key at another address; refused from 127.0.11.9");
        assertThat(announce(user, torrent, peerId, null, "127.0.11.9").text("failure reason"))
                .as("leaving the key out is another key").isEqualTo("peer_id already in use by another client: restart your client");
        assertThat(announce(user, torrent, peerId, "key-three", "::1").has("failure reason"))
                .as("the other address family may come with its own key (BEP 7)").isFalse();
    }

    private Bencode announce(CreatedUser user, InfoHash torrent, PeerId peerId, String key, String from) throws Exception {
        String query = new AnnounceRequest(torrent, peerId, 51413, 0, 0, 0, AnnounceEvent.NONE, true, false, 50,
                key == null ? null : key.getBytes(StandardCharsets.ISO_8859_1)).toQueryString();
        return RawHttp.announce(from, trackerPort, user.passkey(), query, "User-Agent: Transmission/3.00\r\n").bencode();
    }
}
