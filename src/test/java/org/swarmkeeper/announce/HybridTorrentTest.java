package org.swarmkeeper.announce;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.RawHttp;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;

/** A hybrid torrent (BEP 52) is one swarm whether clients announce its v1 hash or its truncated v2 hash. */
class HybridTorrentTest extends TrackerIntegrationTest {

    @Test
    void v1AndTruncatedV2AnnouncesMeetInOneSwarm() {
        byte[] v1 = new byte[20];
        byte[] v2 = new byte[32];
        ThreadLocalRandom.current().nextBytes(v1);
        ThreadLocalRandom.current().nextBytes(v2);
        HexFormat hex = HexFormat.of();
        assertThat(admin.post("/api/torrents", "{\"infoHash\":\"" + hex.formatHex(v1) + "\",\"infoHashV2\":\""
                + hex.formatHex(v2) + "\",\"name\":\"hybrid\",\"size\":1000}").status()).isEqualTo(201);
        InfoHash viaV1 = InfoHash.of(v1);
        InfoHash viaV2 = InfoHash.truncatedV2(v2);

        CreatedUser seeder = newUser();
        TestClient seederV1 = client(seeder, viaV1, "-qB4520-", "127.0.0.98");
        TestClient seederV2 = seederV1.under(viaV2); // a hybrid client announces both hashes
        seederV1.announce(0, 0, 0, AnnounceEvent.STARTED);
        seederV2.announce(0, 0, 0, AnnounceEvent.STARTED);
        seederV1.announce(300, 0, 0, AnnounceEvent.NONE);
        seederV2.announce(300, 0, 0, AnnounceEvent.NONE);
        Bencode leecher = client(newUser(), viaV2, "-qB4520-", "127.0.0.99").announce(0, 0, 1000, AnnounceEvent.STARTED);
        assertThat(leecher.integer("complete")).isEqualTo(1);
        assertThat(leecher.bytes("peers")).hasSize(6);

        Bencode files = RawHttp.get(trackerPort, "/scrape/" + seeder.passkey() + "?info_hash="
                + TestClient.encoded(viaV2)).bencode().dictionary("files");
        Bencode entry = files.dictionary(new String(viaV2.toBytes(), StandardCharsets.ISO_8859_1));
        assertThat(entry.integer("complete")).isEqualTo(1);
        assertThat(entry.integer("incomplete")).isEqualTo(1);

        seederV2.announce(300, 0, 0, AnnounceEvent.STOPPED);
        assertThat(userColumn(seeder.id(), "uploaded")).as("credited once").isEqualTo(300);
    }
}
