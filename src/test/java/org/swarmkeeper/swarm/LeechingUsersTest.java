package org.swarmkeeper.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.AnnounceRequest;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.protocol.PeerId;

/** The torrents a user leeches across a node's swarms: once per swarm, whatever its peers, until none is leeching. */
class LeechingUsersTest {

    private final LeechingUsers leeching = new LeechingUsers();
    private final Swarm first = new Swarm(1, 0, change -> { }, leeching);
    private final Swarm second = new Swarm(2, 0, change -> { }, leeching);
    private long now = 1_000_000;

    @Test
    void countsEachSwarmOnceAndFollowsCompletionStopsAndTimeouts() throws Exception {
        announce(first, 0, 100, AnnounceEvent.STARTED);
        announce(first, 1, 100, AnnounceEvent.STARTED); // a second client on the same torrent
        announce(second, 0, 100, AnnounceEvent.STARTED);
        assertThat(leeching.torrentsOf(7)).isEqualTo(2);

        announce(first, 0, 0, AnnounceEvent.COMPLETED);
        assertThat(leeching.torrentsOf(7)).as("its other client still leeches the first").isEqualTo(2);
        announce(first, 1, 50, AnnounceEvent.PAUSED);
        assertThat(leeching.torrentsOf(7)).as("a partial seed does not leech").isEqualTo(1);

        announce(second, 0, 100, AnnounceEvent.STOPPED);
        assertThat(leeching.torrentsOf(7)).isZero();

        announce(second, 0, 100, AnnounceEvent.STARTED);
        assertThat(leeching.torrentsOf(7)).isEqualTo(1);
        second.reap(now + 1, 0); // silent past the timeout
        assertThat(leeching.torrentsOf(7)).isZero();
    }

    private void announce(Swarm swarm, int peer, long left, AnnounceEvent event) throws Exception {
        now += 1_000;
        swarm.announce(7, new AnnounceRequest(InfoHash.of(new byte[20]), peerId(peer), 6881 + peer, 0, 0, left, event,
                true, false, 50, null), InetAddress.getByName("192.0.2.7"), "test", now, ListShape.full(0), CreditGrant.FULL);
    }

    private static PeerId peerId(int peer) {
        return PeerId.of(String.format("-TE0000-%012d", peer).getBytes(StandardCharsets.US_ASCII));
    }
}
