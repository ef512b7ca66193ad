package org.swarmkeeper.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.AnnounceRequest;
import org.swarmkeeper.protocol.BencodeReader;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.protocol.BencodedAnswers;

/** The peers handed out are a uniform sample, not a window of neighbours in the swarm's list. */
class PeerSelectionTest {

    private final Swarm swarm = new Swarm(1, 0, change -> { });

    @Test
    void samplesReachEveryPairOfPeersNotJustNeighbours() throws Exception {
        for (int user = 1; user <= 10; user++) {
            announce(user, 1_000);
        }
        Set<String> pairs = new HashSet<>();
        for (int i = 0; i < 400; i++) {
            byte[] peers = peerBytes(swarm.announce(99, request(99, 1_000), InetAddress.getByName("127.0.0.1"),
                    "test", System.currentTimeMillis(), ListShape.full(2), CreditGrant.FULL));
            int first = peers[5] & 0xff;
            int second = peers[11] & 0xff;
            pairs.add(Math.min(first, second) + "-" + Math.max(first, second));
        }
        // 45 pairs exist among 10 peers; a sliding window could only ever return the 10 neighbouring ones.
        assertThat(pairs).hasSizeGreaterThan(30);
    }

    @Test
    void numwantLargerThanTheSwarmReturnsEveryOtherPeerOnce() throws Exception {
        for (int user = 1; user <= 5; user++) {
            announce(user, 1_000);
        }
        byte[] peers = peerBytes(swarm.announce(1, request(1, 1_000), InetAddress.getByName("127.0.0.1"), "test",
                System.currentTimeMillis(), ListShape.full(50), CreditGrant.FULL));
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < peers.length; i += 6) {
            ports.add(peers[i + 5] & 0xff);
        }
        assertThat(ports).containsExactlyInAnyOrder(2, 3, 4, 5);
    }

    @Test
    void anAnswerListsPeersAsTheyWereWhenChosen() throws Exception {
        announce(1, 1_000);
        Swarm.Outcome outcome = swarm.announce(2, request(2, 1_000), InetAddress.getByName("127.0.0.1"), "test",
                System.currentTimeMillis(), ListShape.full(50), CreditGrant.FULL);
        // Peer 1 moves to another port before the answer to peer 2 is written: its stored state changes in place.
        AnnounceRequest moved = request(1, 1_000);
        swarm.announce(1, new AnnounceRequest(moved.infoHash(), moved.peerId(), 77, 0, 0, 1_000, AnnounceEvent.NONE,
                        true, false, 50, null), InetAddress.getByName("127.0.0.1"), "test",
                System.currentTimeMillis(), ListShape.full(0), CreditGrant.FULL);
        byte[] peers = peerBytes(outcome);
        assertThat(peers).hasSize(6);
        assertThat(peers[5] & 0xff).as("the port peer 1 had when chosen").isEqualTo(1);
    }

    private void announce(int user, long left) throws Exception {
        swarm.announce(user, request(user, left), InetAddress.getByName("127.0.0.1"), "test",
                System.currentTimeMillis(), ListShape.full(0), CreditGrant.FULL);
    }

    /** Peer {@code user} listens on port {@code user}, so the port names the peer in the compact list. */
    private static AnnounceRequest request(int user, long left) {
        byte[] id = String.format("-TE0000-%012d", user).getBytes(StandardCharsets.ISO_8859_1);
        return new AnnounceRequest(InfoHash.of(new byte[20]), PeerId.of(id), user, 0, 0, left,
                AnnounceEvent.NONE, true, false, 50, null);
    }

    private static byte[] peerBytes(Swarm.Outcome outcome) throws BencodeReader.BencodeException {
        byte[] body = BencodedAnswers.announce(new BencodedAnswers.AnnounceAnswer(1, 1, 0, 0, 0, null, null, 0),
                outcome.peers(), true, true);
        @SuppressWarnings("unchecked")
        Map<String, Object> decoded = (Map<String, Object>) BencodeReader.decode(body);
        return (byte[]) decoded.get("peers");
    }
}
