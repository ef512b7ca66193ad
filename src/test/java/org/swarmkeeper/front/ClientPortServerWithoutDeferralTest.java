package org.swarmkeeper.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.swarmkeeper.front.ClientPortServerTest.ascii;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.TrackerIntegrationTest;

/**
 * The front with {@code tracker.front.defer-accept=0s}, as it runs where the deferral is not available: connections
 * are accepted before their request arrives, wait in a selector for it, and time out there.
 */
@TestPropertySource(properties = {"tracker.front.port=0", "tracker.front.timeout=2s", "tracker.front.defer-accept=0s"})
class ClientPortServerWithoutDeferralTest extends TrackerIntegrationTest {

    @Autowired
    private ClientPortServer front;

    @Autowired
    private MeterRegistry meters;

    @Test
    void aConnectionAcceptedBeforeItsRequestIsAnsweredWhenTheRequestComes() throws Exception {
        assertThat(front.deferringAccept()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> openConnections() == 0);
        CreatedUser user = newUser();
        try (Socket socket = connect()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> openConnections() == 1); // accepted while silent
            socket.getOutputStream().write(ascii("GET /scrape/" + user.passkey() + "?info_hash="
                    + TestClient.encoded(newTorrent(1_000)) + " HTTP/1.1\r\nConnection: close\r\n\r\n"));
            BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
            assertThat(ClientPortServerTest.Answer.read(in, false).bencode().has("files")).isTrue();
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    /**
     * Closed by the selector's sweep once the timeout (2 s) has passed. How soon is not asserted: the front's deadlines
     * are on the JVM's monotonic clock, not the injected {@code Clock}, and wall-clock bounds flake on a busy machine;
     * that a connection accepted while silent is still served when its request comes is the test above.
     */
    @Test
    void aSilentConnectionIsClosedByTheServer() throws IOException {
        try (Socket idle = connect()) {
            idle.setSoTimeout(30_000); // the timeout and a sweep, with room for a busy machine
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
        }
    }

    private double openConnections() {
        return meters.get("tracker.front.connections").gauge().value();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), front.port());
        socket.setSoTimeout(10_000);
        return socket;
    }
}
