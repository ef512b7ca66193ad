package org.swarmkeeper.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;

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
        jdbc.update("""
                INSERT INTO peers (torrent_id, user_id, peer_id, peer_key, ipv4, port4, uploaded, downloaded,
                                   bytes_left, seeding, partial_seed, user_agent, first_announce, last_announce, active)
                SELECT id, ?, ?, NULL, '127.0.0.90', ?, 5000, 0, 0, true, false, 'elsewhere', ?, ?, true
                FROM torrents WHERE info_hash = ?
                """, seederUser.id(), seeder.peerId().toBytes(), seeder.port(),
                new Timestamp(clock.millis() - 60_000), new Timestamp(clock.millis() - 60_000),
                torrent.toBytes());

        Bencode leecherView = client(newUser(), torrent, "-qB4520-", "127.0.0.91").announce(0, 0, 10_000,
                AnnounceEvent.STARTED);
        assertThat(leecherView.integer("complete")).isEqualTo(1);
        assertThat(leecherView.bytes("peers")).hasSize(6);

        seeder.announce(5_600, 0, 0, AnnounceEvent.STOPPED);
        assertThat(userColumn(seederUser.id(), "uploaded")).as("600 above the recorded baseline").isEqualTo(600);
    }
}
