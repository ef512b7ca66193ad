package org.swarmkeeper.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.AnnounceRequest;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.protocol.PeerId;

/** A user cycling peer_ids (a client restarting, or a script) keeps a bounded number of peers in a swarm. */
class SwarmStoreTest {

    private final Swarm swarm = new Swarm(1, 0, change -> { });
    private long now = 1_000_000;

    @Test
    void aUserCyclingPeerIdsKeepsTheNewestStoppedPeersAndEveryLiveOne() throws Exception {
        announce(1, 0, AnnounceEvent.STARTED); // stays in the peer lists throughout
        announce(2, 0, AnnounceEvent.STARTED); // another user in the same swarm
        for (int peer = 1; peer <= 40; peer++) {
            announce(1, peer, AnnounceEvent.STARTED);
            announce(1, peer, AnnounceEvent.STOPPED);
        }

        int max = Swarm.MAX_STORED_PEERS_PER_USER;
        assertThat(swarm.peer(1, peerId(0))).as("the live peer").isNotNull();
        for (int peer = 1; peer <= 40; peer++) {
            boolean kept = peer > 40 - (max - 1);
            assertThat(swarm.peer(1, peerId(peer))).as("stopped peer %d", peer).matches(
                    state -> kept ? state != null && !state.active() : state == null);
        }
        assertThat(swarm.peer(2, peerId(0))).isNotNull();
        assertThat(swarm.activePeersOf(1)).isEqualTo(1);
        assertThat(swarm.activePeersOf(2)).isEqualTo(1);
        assertThat(swarm.counts().leechers()).isEqualTo(2);
    }

    private void announce(long user, int peer, AnnounceEvent event) throws Exception {
        now += 1_000;
        swarm.announce(user, new AnnounceRequest(InfoHash.of(new byte[20]), peerId(peer), 6881, 0, 0, 100, event,
                true, false, 50, null), InetAddress.getByName("192.0.2.1"), "test", now, ListShape.full(0), CreditGrant.FULL);
    }

    private static PeerId peerId(int peer) {
        return PeerId.of(String.format("-TE0000-%012d", peer).getBytes(StandardCharsets.US_ASCII));
    }
}
