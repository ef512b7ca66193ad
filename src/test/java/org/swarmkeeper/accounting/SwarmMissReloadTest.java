package org.swarmkeeper.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;

/**
 * A torrent this node has not served yet, whose peers another node recorded in PostgreSQL: the first announce
 * loads them, so the recorded peer is credited against its committed baseline and appears in peer lists.
 */
class SwarmMissReloadTest extends TrackerIntegrationTest {

    @Test
    void firstAnnounceOfATorrentLoadsItsRecordedPeers() {
        CreatedUser seederUser = newUser();
        InfoHash torrent = newTorrent(10_000);
        TestClient seeder = client(seederUser, torrent, "-TR3000-", "127.0.0.90");
        recordPeerElsewhere(seederUser, seeder, 5000);

        Bencode leecherView = client(newUser(), torrent, "-qB4520-", "127.0.0.91").announce(0, 0, 10_000,
                AnnounceEvent.STARTED);
        assertThat(leecherView.integer("complete")).isEqualTo(1);
        assertThat(leecherView.bytes("peers")).hasSize(6);

        seeder.announce(5_600, 0, 0, AnnounceEvent.STOPPED);
        assertThat(userColumn(seederUser.id(), "uploaded")).as("600 above the recorded baseline").isEqualTo(600);
    }
}
