package org.swarmkeeper.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmkeeper.front.ClientServerTest.ascii;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import org.swarmkeeper.front.ClientServerTest.Answer;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;
import tools.jackson.databind.JsonNode;

/** What one host may hold of the clients' port: connections, answers per connection, waiting workers. */
@TestPropertySource(properties = {"tracker.front.max-connections-per-address=2",
        "tracker.front.max-requests-per-connection=3", "tracker.front.max-waiting=0"})
class ClientServerLimitsTest extends TrackerIntegrationTest {

    @Test
    void aThirdConnectionFromOneAddressIsClosedWhileAnotherAddressIsServed() throws IOException {
        String scrape = scrapeRequest();
        try (Socket first = connect("127.0.0.91"); Socket second = connect("127.0.0.91");
             Socket third = connect("127.0.0.91"); Socket elsewhere = connect("127.0.0.92")) {
            // an answer shows that the tracker holds the connection (the kernel may keep a silent one back)
            assertThat(answer(first, scrape).status()).isEqualTo(200);
            assertThat(answer(second, scrape).status()).isEqualTo(200);
            third.getOutputStream().write(ascii(scrape));
            assertThat(closedUnanswered(third)).isTrue();
            assertThat(answer(elsewhere, scrape).status()).isEqualTo(200);
        }
    }

    @Test
    void theLastAnswerAConnectionMayHaveClosesIt() throws IOException {
        String scrape = scrapeRequest();
        try (Socket socket = connect("127.0.0.93")) {
            assertThat(answer(socket, scrape).head()).doesNotContainIgnoringCase("connection: close");
            assertThat(answer(socket, scrape).head()).doesNotContainIgnoringCase("connection: close");
            Answer last = answer(socket, scrape);
            assertThat(last.head()).containsIgnoringCase("connection: close");
            assertThat(last.bencode().has("files")).isTrue();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void anAnnounceThatMustWaitIsAnsweredUnrecordedWhenNoWorkerIsFree() {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(1_000);
        JsonNode minuteBefore = thisMinute();
        Bencode answer = client(user, torrent, "-TR3000-", "127.0.0.94").announce(0, 0, 0, AnnounceEvent.STARTED);
        JsonNode minuteAfter = thisMinute();

        assertThat(answer.has("failure reason")).isFalse();
        assertThat(answer.text("warning message")).startsWith("tracker is busy: this announce was not recorded");
        assertThat(answer.integer("interval")).isPositive();
        assertThat(answer.integer("retry in")).as("minutes: min interval (BEP 31's key)").isEqualTo(15);
        flushLedger();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM peers WHERE user_id = ?", Long.class, user.id()))
                .isZero();
        assertThat(minuteAfter.get("minute")).as("the test clock stands still").isEqualTo(minuteBefore.get("minute"));
        assertThat(minuteAfter.get("announces").asLong() - minuteBefore.get("announces").asLong()).isEqualTo(1);
        assertThat(minuteAfter.get("denials").asLong() - minuteBefore.get("denials").asLong())
                .as("answered, with a warning: not refused").isZero();
    }

    /** The summary's count of announces and denials in the current minute. */
    private JsonNode thisMinute() {
        return admin.get("/api/summary").json().get("lastHour").get(59);
    }

    private String scrapeRequest() {
        CreatedUser user = newUser();
        return "GET /scrape/" + user.passkey() + "?info_hash=" + TestClient.encoded(newTorrent(1_000))
                + " HTTP/1.1\r\nHost: t\r\n\r\n";
    }

    private static Answer answer(Socket socket, String request) throws IOException {
        socket.getOutputStream().write(ascii(request));
        InputStream in = new BufferedInputStream(socket.getInputStream());
        return Answer.read(in, false);
    }

    /** The end of the stream, or a reset: the tracker closed what it had not read. */
    private static boolean closedUnanswered(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }

    private Socket connect(String from) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), trackerPort));
        socket.setSoTimeout(10_000);
        return socket;
    }
}
