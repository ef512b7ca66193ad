package org.swarmkeeper.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;

/**
 * Changes written straight into PostgreSQL, as another node or a site's own SQL would, reach this node's
 * in-memory users, torrents and policy lists within seconds (LISTEN/NOTIFY).
 */
class DatabaseChangesTest extends TrackerIntegrationTest {

    private static final Duration WITHIN = Duration.ofSeconds(5);

    private static String failureOf(Bencode answer) {
        return answer.has("failure reason") ? answer.text("failure reason") : "";
    }

    private static void eventually(String what, Supplier<String> actual, String expected) {
        await(what).atMost(WITHIN).pollDelay(Duration.ZERO)
                .untilAsserted(() -> assertThat(actual.get()).as(what).isEqualTo(expected));
    }

    @Test
    void usersAndTorrentsWrittenInSqlReachTheTracker() {
        String passkey = HexFormat.of().formatHex(randomBytes(16));
        jdbc.update("INSERT INTO users (name, passkey) VALUES (?, ?)", "sql-user-" + passkey.substring(0, 8), passkey);
        InfoHash torrent = InfoHash.of(randomBytes(20));
        jdbc.update("INSERT INTO torrents (info_hash, name, size) VALUES (?, 'from sql', 100)", torrent.toBytes());
        TestClient client = new TestClient(trackerPort, passkey, torrent, "-TR3000-", "127.0.0.60");
        eventually("a user and a torrent inserted in SQL", () -> failureOf(client.announce(0, 0, 0, AnnounceEvent.STARTED)), "");

        jdbc.update("UPDATE users SET enabled = false, disabled_reason = 'closed by the site' WHERE passkey = ?", passkey);
        eventually("an account disabled in SQL", () -> failureOf(client.announce(0, 0, 0, AnnounceEvent.STARTED)),
                "account disabled: closed by the site");
        jdbc.update("UPDATE users SET enabled = true WHERE passkey = ?", passkey);
        String rotated = HexFormat.of().formatHex(randomBytes(16));
        jdbc.update("UPDATE users SET passkey = ? WHERE passkey = ?", rotated, passkey);
        eventually("the old passkey, after a rotation in SQL", () -> failureOf(client.announce(0, 0, 0,
                AnnounceEvent.STARTED)), "unknown passkey");
        TestClient rotatedClient = new TestClient(trackerPort, rotated, torrent, "-TR3000-", "127.0.0.60");
        eventually("the new passkey", () -> failureOf(rotatedClient.announce(0, 0, 0, AnnounceEvent.STARTED)), "");
        jdbc.update("UPDATE torrents SET deleted_at = now(), deletion_reason = 'dupe' WHERE info_hash = ?", torrent.toBytes());
        eventually("a torrent deleted in SQL", () -> failureOf(rotatedClient.announce(0, 0, 0, AnnounceEvent.STARTED)),
                "torrent deleted: dupe");
    }

    @Test
    void policyListsWrittenInSqlReachTheTracker() {
        CreatedUser user = newUser();
        TestClient client = client(user, newTorrent(100), "-TR3000-", "127.0.0.61");
        jdbc.update("INSERT INTO ip_bans (network, reason) VALUES ('127.0.0.61/32', 'sql ban')");
        try {
            eventually("an IP ban inserted in SQL", () -> failureOf(client.announce(0, 0, 0, AnnounceEvent.STARTED)),
                    "address banned: sql ban");
        } finally {
            jdbc.update("DELETE FROM ip_bans WHERE reason = 'sql ban'");
        }
        eventually("the ban lifted in SQL", () -> failureOf(client.announce(0, 0, 0, AnnounceEvent.STARTED)), "");
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
