package org.swarmkeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmkeeper.protocol.AnnounceEvent.NONE;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;

import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.RawHttp;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;

/** Moderation states at announce, and per-torrent freeleech and double upload that end at their instant. */
class TorrentModerationTest extends TrackerIntegrationTest {

    private static final long MIB = 1 << 20;

    @Test
    void onlyTheUploaderAnnouncesAPendingTorrentAndOnlyApprovedOnesAreOpenToAll() {
        AdminClient.CreatedUser uploader = newUser();
        AdminClient.CreatedUser member = newUser();
        String hex = HexFormat.of().formatHex(randomHash());
        AdminClient.Answer registered = admin.post("/api/torrents", "{\"infoHash\":\"" + hex + "\",\"name\":\"new\","
                + "\"size\":" + MIB + ",\"uploaderId\":" + uploader.id() + ",\"moderation\":\"pending\"}");
        assertThat(registered.status()).isEqualTo(201);
        assertThat(registered.json().get("moderation").asString()).isEqualTo("pending");
        InfoHash torrent = InfoHash.fromHex(hex);
        TestClient seeder = client(uploader, torrent, "-qB4650-", "127.0.32.1");
        TestClient leecher = client(member, torrent, "-TR3000-", "127.0.32.2");

        assertThat(seeder.announce(0, 0, 0, STARTED).has("failure reason")).as("the uploader seeds it").isFalse();
        clock.advance(Duration.ofMinutes(30));
        seeder.announce(0, 0, 0, NONE);
        flushLedger();
        assertThat(admin.get("/api/users/" + uploader.id() + "/points").json().get("balance").decimalValue())
                .as("no seed points before approval").isEqualByComparingTo("0");
        assertThat(leecher.announce(0, 0, MIB, STARTED).text("failure reason"))
                .isEqualTo("torrent is awaiting approval by the moderators");
        assertThat(RawHttp.get(trackerPort, "/scrape/" + member.passkey() + "?info_hash=" + TestClient.encoded(torrent))
                .bencode().dictionary("files").raw()).as("not listed in scrapes").isEmpty();

        assertThat(admin.patch("/api/torrents/" + hex, "{\"moderation\":\"postponed\"}").status())
                .as("postponing needs a reason").isEqualTo(400);
        assertThat(admin.patch("/api/torrents/" + hex,
                "{\"moderation\":\"postponed\",\"moderationReason\":\"missing screenshots\"}").status()).isEqualTo(200);
        assertThat(seeder.announce(0, 0, 0, NONE).text("failure reason"))
                .isEqualTo("torrent postponed by the moderators: missing screenshots");

        admin.patch("/api/torrents/" + hex, "{\"moderation\":\"approved\"}");
        Bencode answer = leecher.announce(0, 0, MIB, STARTED);
        assertThat(answer.has("failure reason")).isFalse();
        assertThat(answer.integer("complete")).as("the uploader's seed is in the swarm").isEqualTo(1);

        admin.patch("/api/torrents/" + hex, "{\"moderation\":\"rejected\",\"moderationReason\":\"duplicate of #12\"}");
        assertThat(leecher.announce(0, 0, MIB, NONE).text("failure reason"))
                .isEqualTo("torrent rejected by the moderators: duplicate of #12");
        assertThat(events(member.id())).anyMatch(line -> line.startsWith("torrent/denied/torrent_rejected"));
    }

    @Test
    void timedFreeleechAndDoubleUploadEndAtTheirInstant() {
        AdminClient.CreatedUser user = newUser();
        String hex = HexFormat.of().formatHex(randomHash());
        admin.registerTorrent(hex, 100 * MIB);
        String until = clock.instant().plus(Duration.ofHours(1)).toString();
        AdminClient.Answer changed = admin.patch("/api/torrents/" + hex,
                "{\"freeleechUntil\":\"" + until + "\",\"doubleUploadUntil\":\"" + until + "\"}");
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().get("freeleechUntil").asString()).isEqualTo(until);
        TestClient peer = client(user, InfoHash.fromHex(hex), "-qB4650-", "127.0.32.10");
        peer.announce(0, 0, 100 * MIB, STARTED);
        clock.advance(Duration.ofMinutes(30));
        peer.announce(MIB, 10 * MIB, 90 * MIB, NONE);
        flushLedger();
        assertThat(userColumn(user.id(), "downloaded")).as("freeleech").isZero();
        assertThat(userColumn(user.id(), "uploaded")).as("double upload").isEqualTo(2 * MIB);

        clock.advance(Duration.ofMinutes(31)); // past the instant: both ended by themselves
        peer.announce(2 * MIB, 20 * MIB, 80 * MIB, NONE);
        flushLedger();
        assertThat(userColumn(user.id(), "downloaded")).isEqualTo(10 * MIB);
        assertThat(userColumn(user.id(), "uploaded")).isEqualTo(3 * MIB);

        assertThat(admin.patch("/api/torrents/" + hex, "{\"freeleechUntil\":\"soon\"}").status()).isEqualTo(400);
        assertThat(admin.patch("/api/torrents/" + hex, "{\"colour\":\"red\"}").status()).isEqualTo(400);
        assertThat(admin.patch("/api/torrents/" + hex, "{\"freeleechUntil\":null}").json().get("freeleechUntil")
                .isNull()).isTrue();
    }

    private static byte[] randomHash() {
        byte[] hash = new byte[20];
        ThreadLocalRandom.current().nextBytes(hash);
        return hash;
    }
}
