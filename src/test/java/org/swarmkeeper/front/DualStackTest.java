package org.swarmkeeper.front;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;

/** IPv6 peers go to {@code peers6} (BEP 7), and a client announcing over both families is one peer. */
class DualStackTest extends TrackerIntegrationTest {

    @Test
    void ipv6PeersAreListedInPeers6AndGetTheirExternalIp() {
        InfoHash torrent = newTorrent(1_000);
        TestClient v6Seeder = client(newUser(), torrent, "-qB4520-", "::1");
        Bencode seederAnswer = v6Seeder.announce(0, 0, 0, AnnounceEvent.STARTED);
        assertThat(seederAnswer.bytes("external ip")).hasSize(16);

        Bencode leecherAnswer = client(newUser(), torrent, "-TR3000-", "127.0.0.95").announce(0, 0, 1_000,
                AnnounceEvent.STARTED);
        assertThat(leecherAnswer.bytes("peers")).isEmpty();
        byte[] peers6 = leecherAnswer.bytes("peers6");
        assertThat(peers6).hasSize(18);
        assertThat(peers6[15]).isEqualTo((byte) 1);
        assertThat(((peers6[16] & 0xff) << 8) | (peers6[17] & 0xff)).isEqualTo(v6Seeder.port());
    }

    @Test
    void oneClientAnnouncingOverIpv4AndIpv6IsOnePeerCreditedOnce() {
        InfoHash torrent = newTorrent(1_000);
        CreatedUser user = newUser();
        TestClient overV4 = client(user, torrent, "-qB4520-", "127.0.0.96");
        TestClient overV6 = overV4.from("::1"); // same peer_id, key and port: BEP 7's second announce
        overV4.announce(0, 0, 0, AnnounceEvent.STARTED);
        overV6.announce(0, 0, 0, AnnounceEvent.STARTED);
        overV4.announce(800, 0, 0, AnnounceEvent.NONE);
        overV6.announce(800, 0, 0, AnnounceEvent.NONE);

        Bencode leecherAnswer = client(newUser(), torrent, "-TR3000-", "127.0.0.97").announce(0, 0, 1_000,
                AnnounceEvent.STARTED);
        assertThat(leecherAnswer.integer("complete")).isEqualTo(1);
        assertThat(leecherAnswer.bytes("peers")).hasSize(6);
        assertThat(leecherAnswer.bytes("peers6")).hasSize(18);

        overV4.announce(1_000, 0, 0, AnnounceEvent.STOPPED);
        assertThat(userColumn(user.id(), "uploaded")).isEqualTo(1_000);
    }
}
