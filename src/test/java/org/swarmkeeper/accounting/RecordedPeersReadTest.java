package org.swarmkeeper.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.TrackerIntegrationTest;
import org.swarmkeeper.swarm.PeerState;

/**
 * Recorded peers come back from PostgreSQL's binary COPY exactly as written: both address families, missing
 * keys and User-Agents, counters, timestamps to the millisecond, and the state flags.
 */
class RecordedPeersReadTest extends TrackerIntegrationTest {

    @Autowired
    private PeerStore peerStore;

    @Test
    void everyColumnOfARecordedPeerIsReadBack() {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(1 << 30);
        long torrentId = torrentId(torrent);
        long first = clock.millis() - 3_600_123;
        long last = clock.millis() - 60_456;
        byte[] dualStack = "-TR4050-dualstack012".getBytes();
        byte[] v6Only = "-DE2110-v6only000123".getBytes();
        byte[] masked = "-qB4650-masked000123".getBytes();
        insert(torrentId, user.id(), dualStack, HexFormat.of().parseHex("a1b2c3d4"), "203.0.113.7", 51413,
                "2001:db8::1", 51414, 1L << 40, 123_456_789, 1_000, true, "Transmission/4.05 ünïcode", first, last,
                true);
        insert(torrentId, user.id(), v6Only, null, null, null, "2001:db8:0:0:0:0:0:ff", 6881, 0, 0, 0, false, null,
                last, last, false);
        insert(torrentId, user.id(), masked, new byte[] {1}, "198.51.100.9/24", 65535, null, null, 7, 8, 9, false,
                "qBittorrent/4.6.5", first, first, true);

        List<PeerState> read = peerStore.load(torrentId).stream()
                .sorted(Comparator.comparing(peer -> new String(peer.peerId().toBytes()))).toList();

        assertThat(read).hasSize(3);
        PeerState both = read.get(1);
        assertThat(both.peerId().toBytes()).isEqualTo(dualStack);
        assertThat(both.userId()).isEqualTo(user.id());
        assertThat(both.key()).isEqualTo(HexFormat.of().parseHex("a1b2c3d4"));
        assertThat(both.compactV4()).isEqualTo(HexFormat.of().parseHex("cb00710" + "7c8d5"));
        assertThat(both.compactV6()).isEqualTo(HexFormat.of().parseHex("20010db8000000000000000000000001c8d6"));
        assertThat(both.uploaded()).isEqualTo(1L << 40);
        assertThat(both.downloaded()).isEqualTo(123_456_789);
        assertThat(both.left()).isEqualTo(1_000);
        assertThat(both.partialSeed()).isTrue();
        assertThat(both.userAgent()).isEqualTo("Transmission/4.05 ünïcode");
        assertThat(both.firstAnnounceMillis()).isEqualTo(first);
        assertThat(both.lastAnnounceMillis()).isEqualTo(last);
        assertThat(both.active()).isTrue();
        assertThat(both.lastViaV6()).isFalse();

        PeerState v6 = read.get(0);
        assertThat(v6.peerId().toBytes()).isEqualTo(v6Only);
        assertThat(v6.key()).isNull();
        assertThat(v6.compactV4()).isNull();
        assertThat(v6.compactV6()).isEqualTo(HexFormat.of().parseHex("20010db80000000000000000000000ff1ae1"));
        assertThat(v6.userAgent()).isNull();
        assertThat(v6.active()).isFalse();
        assertThat(v6.lastViaV6()).isTrue();

        PeerState netmask = read.get(2);
        assertThat(netmask.key()).containsExactly(1);
        assertThat(netmask.compactV4()).as("the netmask is not part of the endpoint")
                .isEqualTo(HexFormat.of().parseHex("c6336409ffff"));
        assertThat(netmask.compactV6()).isNull();
        assertThat(List.of(netmask.uploaded(), netmask.downloaded(), netmask.left())).containsExactly(7L, 8L, 9L);
    }

    @Test
    void aTorrentWithoutRecordedPeersReadsEmpty() {
        InfoHash torrent = newTorrent(10);
        long torrentId = torrentId(torrent);
        assertThat(peerStore.load(torrentId)).isEmpty();
    }

    @Test
    void anAddressOfTheOtherFamilyCountsAsNone() {
        CreatedUser user = newUser();
        long torrentId = torrentId(newTorrent(10));
        // As a site's own SQL could write it: an IPv6 address in the IPv4 column.
        insert(torrentId, user.id(), "-TR4050-otherfamily1".getBytes(), null, "2001:db8::1", 6881, "2001:db8::2",
                6882, 5, 0, 0, false, null, clock.millis(), clock.millis(), true);

        PeerState peer = peerStore.load(torrentId).get(0);
        assertThat(peer.compactV4()).isNull();
        assertThat(peer.compactV6()).isEqualTo(HexFormat.of().parseHex("20010db80000000000000000000000021ae2"));
        assertThat(peer.uploaded()).as("the baseline is kept").isEqualTo(5);
    }

    @Test
    void aReadGivenUpHalfWayLeavesItsConnectionUsable() {
        CreatedUser user = newUser();
        long torrentId = torrentId(newTorrent(10));
        for (int i = 0; i < 50; i++) {
            insert(torrentId, user.id(), String.format("-TR4050-peer%08d", i).getBytes(), null, "192.0.2.1", 6881,
                    null, null, 0, 0, 0, false, null, clock.millis(), clock.millis(), true);
        }
        int[] seen = {0};
        assertThatThrownBy(() -> peerStore.readPeers("p.torrent_id = " + torrentId, (torrent, peer, snatches) -> {
            if (++seen[0] == 10) {
                throw new IllegalStateException("the sink gives up");
            }
        })).hasMessageContaining("the sink gives up");
        for (int i = 0; i < 20; i++) { // the pool hands this thread its last connection again
            assertThat(jdbc.queryForObject("SELECT 1", Integer.class)).isEqualTo(1);
            assertThat(peerStore.load(torrentId)).hasSize(50);
        }
    }

    private long torrentId(InfoHash torrent) {
        return jdbc.queryForObject("SELECT id FROM torrents WHERE info_hash = ?", Long.class, torrent.toBytes());
    }

    private void insert(long torrentId, long userId, byte[] peerId, byte[] key, String ipv4, Integer port4,
                        String ipv6, Integer port6, long uploaded, long downloaded, long left, boolean partialSeed,
                        String userAgent, long first, long last, boolean active) {
        jdbc.update("""
                INSERT INTO peers (torrent_id, user_id, peer_id, peer_key, ipv4, port4, ipv6, port6, uploaded,
                                   downloaded, bytes_left, seeding, partial_seed, user_agent, first_announce,
                                   last_announce, active)
                VALUES (?, ?, ?, ?, ?::inet, ?, ?::inet, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, torrentId, userId, peerId, key, ipv4, port4, ipv6, port6, uploaded, downloaded, left, left == 0,
                partialSeed, userAgent, new Timestamp(first), new Timestamp(last), active);
    }
}
