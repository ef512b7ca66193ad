package org.swarmkeeper.announce;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.RawHttp;
import org.swarmkeeper.support.TrackerIntegrationTest;

class ScrapeTest extends TrackerIntegrationTest {

    @Test
    void scrapeOfSeveralHashesReportsRegisteredOnesKeyedByRawBytes() {
        CreatedUser user = newUser();
        InfoHash busy = newTorrent(100);
        InfoHash quiet = newTorrent(100);
        client(user, busy, "-TR3000-", "127.0.0.50").announce(0, 0, 0, AnnounceEvent.STARTED);
        client(newUser(), busy, "-TR3000-", "127.0.0.51").announce(0, 0, 100, AnnounceEvent.STARTED);
        var finisher = client(newUser(), busy, "-TR3000-", "127.0.0.52");
        finisher.announce(0, 0, 100, AnnounceEvent.STARTED);
        finisher.announce(0, 100, 0, AnnounceEvent.COMPLETED);

        String query = "?info_hash=" + TestClient.encoded(busy)
                + "&info_hash=" + TestClient.encoded(quiet)
                + "&info_hash=%ff%ff%ff%ff%ff%ff%ff%ff%ff%ff%ff%ff%ff%ff%ff%ff%ff%ff%ff%ff";
        for (String path : new String[] {"/scrape/" + user.passkey(), "/" + user.passkey() + "/scrape"}) {
            Bencode files = RawHttp.get(trackerPort, path + query).bencode().dictionary("files");
            assertThat(files.raw()).hasSize(2);
            Bencode busyEntry = files.dictionary(key(busy));
            assertThat(busyEntry.integer("complete")).isEqualTo(2);
            assertThat(busyEntry.integer("incomplete")).isEqualTo(1);
            assertThat(busyEntry.integer("downloaded")).isEqualTo(1);
            assertThat(busyEntry.integer("downloaders")).isEqualTo(1);
            Bencode quietEntry = files.dictionary(key(quiet));
            assertThat(quietEntry.integer("complete")).isZero();
            assertThat(quietEntry.integer("downloaded")).isZero();
        }
    }

    @Test
    void fullScrapeAndUnknownPasskeyAreRefused() {
        CreatedUser user = newUser();
        assertThat(RawHttp.get(trackerPort, "/scrape/" + user.passkey()).bencode().text("failure reason"))
                .isEqualTo("missing info_hash: full scrape is not supported");
        assertThat(RawHttp.get(trackerPort, "/scrape/ffffffffffffffffffffffffffffffff?info_hash=%01%02%03%04%05%06%07%08"
                + "%09%10%11%12%13%14%15%16%17%18%19%20").bencode().text("failure reason")).isEqualTo("unknown passkey");
        StringBuilder many = new StringBuilder("?info_hash=aaaaaaaaaaaaaaaaaaaa");
        for (int i = 0; i < 64; i++) {
            many.append("&info_hash=bbbbbbbbbbbbbbbbbbbb");
        }
        assertThat(RawHttp.get(trackerPort, "/scrape/" + user.passkey() + many).bencode().text("failure reason"))
                .isEqualTo("too many info_hash values: at most 64");
    }

    private static String key(InfoHash hash) {
        return new String(hash.toBytes(), StandardCharsets.ISO_8859_1);
    }
}
