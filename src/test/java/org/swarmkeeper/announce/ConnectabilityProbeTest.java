package org.swarmkeeper.announce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmkeeper.protocol.AnnounceEvent.NONE;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Await;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;
import tools.jackson.databind.JsonNode;

/**
 * The tracker probes the ports peers announce, over real TCP on loopback (allowed here; by default it never probes
 * loopback or private addresses): the finding shows in the peer view, an unconnectable peer is given only peers
 * that can be connected to, and only a connectable seeder earns seed points (both options set here).
 */
@TestPropertySource(properties = {"tracker.connectability.allow=127.0.0.0/8",
        "tracker.connectability.only-connectable-for-unconnectable=true",
        "tracker.economy.seed-points.require-connectable=true"})
class ConnectabilityProbeTest extends TrackerIntegrationTest {

    private static final long GIB = 1L << 30;

    @Test
    void aListeningPeerIsConnectableAClosedPortIsNotAndTheUnconnectableAreIntroducedToTheConnectable()
            throws IOException {
        InfoHash torrent = newTorrent(GIB);
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getByName("127.0.11.1"))) {
            CreatedUser openUser = newUser();
            CreatedUser closedUser = newUser();
            TestClient open = client(openUser, torrent, "-qB4520-", "127.0.11.1").listeningOn(listening.getLocalPort());
            TestClient closed = client(closedUser, torrent, "-qB4520-", "127.0.11.2").listeningOn(closedPort("127.0.11.2"));
            TestClient closedLeecher = client(newUser(), torrent, "-TR3000-", "127.0.11.3")
                    .listeningOn(closedPort("127.0.11.3"));
            open.announce(0, 0, 0, STARTED);
            closed.announce(0, 0, 0, STARTED);
            closedLeecher.announce(0, 0, GIB, STARTED);
            Await.until("every peer probed", Duration.ofSeconds(20), () -> {
                for (JsonNode peer : peers(torrent)) {
                    if (peer.get("connectable").isNull()) {
                        return false;
                    }
                }
                return true;
            });
            for (JsonNode peer : peers(torrent)) {
                assertThat(peer.get("connectable").asBoolean()).as(peer.toString())
                        .isEqualTo(peer.get("addresses").get(0).asString().startsWith("127.0.11.1:"));
            }

            clock.advance(Duration.ofMinutes(16));
            Bencode unconnectableAsks = closedLeecher.announce(0, 0, GIB, NONE);
            assertThat(ports(unconnectableAsks)).as("only the peer it can reach")
                    .containsExactly(listening.getLocalPort());
            Bencode connectableAsks = client(newUser(), torrent, "-TR3000-", "127.0.11.4").announce(0, 0, GIB, STARTED);
            assertThat(ports(connectableAsks)).contains(listening.getLocalPort(), closed.port());

            open.announce(0, 0, 0, NONE);
            closed.announce(0, 0, 0, NONE);
            flushLedger();
            assertThat(userColumn(openUser.id(), "seed_points")).as("seeded 16 min, connectable").isPositive();
            assertThat(userColumn(closedUser.id(), "seed_points")).as("seeded 16 min, nobody could connect").isZero();
        }
    }

    /** A port on {@code address} nothing listens on: bound, then closed. */
    private static int closedPort(String address) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return taken.getLocalPort();
        }
    }

    private JsonNode peers(InfoHash torrent) {
        return admin.get("/api/torrents/" + torrent.hex()).json().get("peers");
    }

    private static Set<Integer> ports(Bencode answer) {
        byte[] compact = answer.bytes("peers");
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < compact.length; i += 6) {
            ports.add((compact[i + 4] & 0xff) << 8 | compact[i + 5] & 0xff);
        }
        return ports;
    }
}
