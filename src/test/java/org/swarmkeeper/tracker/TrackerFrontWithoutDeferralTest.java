package org.swarmkeeper.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.swarmkeeper.tracker.TrackerFrontTest.ascii;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.TrackerIntegrationTest;

/**
 * The front with {@code tracker.front.defer-accept=0s}, as it runs where the deferral is not available: connections
 * are accepted before their request arrives, wait in a selector for it, and time out there.
 */
@TestPropertySource(properties = {"tracker.front.port=0", "tracker.front.timeout=2s", "tracker.front.defer-accept=0s"})
class TrackerFrontWithoutDeferralTest extends TrackerIntegrationTest {

    @Autowired
    private TrackerFront front;

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
                    + AnnounceLifecycleTest.encoded(newTorrent(1_000)) + " HTTP/1.1\r\nConnection: close\r\n\r\n"));
            BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
            assertThat(TrackerFrontTest.Answer.read(in, false).bencode().has("files")).isTrue();
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void aSilentConnectionIsClosedAfterTheTimeout() throws IOException {
        try (Socket idle = connect()) {
            long start = System.nanoTime();
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(1_000L, 4_500L); // 2 s, swept each second
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
