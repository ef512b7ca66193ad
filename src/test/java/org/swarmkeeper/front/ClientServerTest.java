package org.swarmkeeper.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.swarmkeeper.protocol.AnnounceEvent.COMPLETED;
import static org.swarmkeeper.protocol.AnnounceEvent.NONE;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;
import static org.swarmkeeper.protocol.AnnounceEvent.STOPPED;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.test.context.TestPropertySource;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;

/** The clients' port ({@code tracker.port}) on real sockets with real PostgreSQL: HTTP as clients speak it. */
@TestPropertySource(properties = "tracker.front.timeout=2s")
class ClientServerTest extends TrackerIntegrationTest {

    private static final long SIZE = 1_000_000;
    /** Long enough for connections of earlier tests to close (a refused one lingers up to 2 s). */
    private static final Duration SETTLED = Duration.ofSeconds(10);
    private static final int CLOSED_WITHIN_MILLIS = 30_000;

    @Autowired
    private ClientServer clients;

    @Autowired
    private MeterRegistry meters;

    @Autowired
    private FrontProperties front;

    @Autowired
    private ClientRoutes routes;

    @Autowired
    private ClientAddresses addresses;

    @Autowired
    private ObjectProvider<SslBundles> sslBundles;

    @Test
    void aWholeSwarmLifeCreditsExactlyTheReportedDeltas() {
        CreatedUser seederUser = newUser();
        CreatedUser leecherUser = newUser();
        InfoHash torrent = newTorrent(SIZE);
        TestClient seeder = client(seederUser, torrent, "-TR3000-", "127.0.0.60");
        TestClient leecher = client(leecherUser, torrent, "-qB4520-", "127.0.0.61");
        double handedOffBefore = meters.counter("tracker.front.handed.off").count();

        assertThat(seeder.announce(0, 0, 0, STARTED).bytes("external ip")).containsExactly(127, 0, 0, 60);
        Bencode leecherStart = leecher.announce(0, 0, SIZE, STARTED);
        assertThat(leecherStart.integer("complete")).isEqualTo(1);
        assertThat(leecherStart.bytes("peers")).containsExactly(127, 0, 0, 60, seeder.port() >> 8, seeder.port() & 0xff);
        // Plain re-announces are answered in the loop; they carry credit all the same.
        leecher.announce(0, 400_000, 600_000, NONE);
        seeder.announce(400_000, 0, 0, NONE);
        assertThat(leecher.announce(10_000, SIZE, 0, COMPLETED).integer("complete")).isEqualTo(2);
        leecher.announce(50_000, SIZE, 0, STOPPED);
        seeder.announce(SIZE + 5_000, 0, 0, STOPPED);

        // started, completed and stopped wait for their flush: answered by workers, durable when answered.
        assertThat(meters.counter("tracker.front.handed.off").count() - handedOffBefore).isEqualTo(5);
        assertThat(userColumn(seederUser.id(), "uploaded")).isEqualTo(SIZE + 5_000);
        assertThat(userColumn(leecherUser.id(), "uploaded")).isEqualTo(50_000);
        assertThat(userColumn(leecherUser.id(), "downloaded")).isEqualTo(SIZE);
        assertThat(jdbc.queryForObject("SELECT snatches FROM torrents WHERE info_hash = ?", Long.class,
                torrent.toBytes())).isEqualTo(1);
    }

    @Test
    void aReAnnounceWhoseSwarmIsOnlyInPostgresqlIsAnsweredByAWorkerNotTheLoop() {
        CreatedUser user = newUser();
        TestClient seeder = client(user, newTorrent(SIZE), "-TR3000-", "127.0.0.70");
        recordPeerElsewhere(user, seeder, 5_000);
        double handedOffBefore = meters.counter("tracker.front.handed.off").count();

        Bencode answer = seeder.announce(5_600, 0, 0, NONE); // reading the swarm is a query: not in the loop
        assertThat(answer.integer("complete")).isEqualTo(1);
        assertThat(meters.counter("tracker.front.handed.off").count() - handedOffBefore).isEqualTo(1);
        seeder.announce(6_000, 0, 0, STOPPED);
        assertThat(userColumn(user.id(), "uploaded")).as("credited against the recorded baseline").isEqualTo(1_000);
    }

    @Test
    void aPipelinedRequestAfterAnAnnounceWaitingForItsFlushIsAnsweredAfterIt() throws IOException {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(SIZE);
        TestClient seeder = client(user, torrent, "-TR3000-", "127.0.0.62");
        seeder.announce(0, 0, 0, STARTED);
        double handedOffBefore = meters.counter("tracker.front.handed.off").count();
        String scrape = "/scrape/" + user.passkey() + "?info_hash=" + TestClient.encoded(torrent);
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            out.write(ascii("GET " + seeder.announcePath(700, 0, 0, STOPPED, 50, true) + " HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET " + scrape + " HTTP/1.1\r\nHost: t\r\n\r\n"));
            Bencode stopped = Answer.read(in, false).bencode();
            assertThat(stopped.has("interval")).isTrue();
            assertThat(stopped.has("warning message")).isFalse();
            Bencode scraped = Answer.read(in, false).bencode();
            assertThat(scraped.dictionary("files").raw()).hasSize(1);
        }
        assertThat(meters.counter("tracker.front.handed.off").count() - handedOffBefore).isEqualTo(1);
        assertThat(userColumn(user.id(), "uploaded")).as("committed when answered").isEqualTo(700);
    }

    @Test
    void theAdminApiHandsOutAnnounceUrlsOnTheClientsPort() {
        var created = admin.post("/api/users", "{\"name\":\"front-url-" + System.nanoTime() + "\"}");
        String passkey = created.json().get("passkey").asString();
        assertThat(created.json().get("announceUrl").asString())
                .isEqualTo("http://127.0.0.1:" + trackerPort + "/announce/" + passkey);
    }

    @Test
    void keepAliveAndPipelinedRequestsAreAnsweredInOrderUntilTheClientAsksToClose() throws IOException {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(SIZE);
        String scrape = "/scrape/" + user.passkey() + "?info_hash=" + TestClient.encoded(torrent);
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            out.write(ascii("GET " + scrape + " HTTP/1.1\r\nHost: t\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "HEAD " + scrape + " HTTP/1.1\r\nHost: t\r\n\r\n"));
            Answer first = Answer.read(in, false);
            assertThat(first.status).isEqualTo(200);
            assertThat(first.bencode().dictionary("files").raw()).hasSize(1);
            Answer second = Answer.read(in, false);
            assertThat(second.status).isEqualTo(404);
            assertThat(second.bencode().text("failure reason")).startsWith("not a tracker URL");
            Answer third = Answer.read(in, true);
            assertThat(third.status).isEqualTo(200);
            assertThat(third.head).containsIgnoringCase("content-length: " + first.body.length);

            out.write(ascii("GET " + scrape + " HTTP/1.1\r\nConnection: close\r\n\r\n"));
            Answer last = Answer.read(in, false);
            assertThat(last.head).containsIgnoringCase("connection: close");
            assertThat(last.bencode().has("files")).isTrue();
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void http10IsClosedAfterItsAnswerUnlessItAsksForKeepAlive() throws IOException {
        CreatedUser user = newUser();
        String scrape = "/scrape/" + user.passkey() + "?info_hash=" + TestClient.encoded(newTorrent(SIZE));
        try (Socket socket = connect()) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            socket.getOutputStream().write(ascii("GET " + scrape + " HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"));
            assertThat(Answer.read(in, false).status).isEqualTo(200);
            socket.getOutputStream().write(ascii("GET " + scrape + " HTTP/1.0\r\n\r\n"));
            assertThat(Answer.read(in, false).head).containsIgnoringCase("connection: close");
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void aRequestArrivingInPiecesIsAnswered() throws Exception {
        CreatedUser user = newUser();
        byte[] request = ascii("GET /scrape/" + user.passkey() + "?info_hash="
                + TestClient.encoded(newTorrent(SIZE)) + " HTTP/1.1\r\nConnection: close\r\n\r\n");
        await().atMost(SETTLED).until(() -> openConnections() == 0);
        try (Socket socket = connect()) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            // Cut inside the blank line that ends the head; its last byte goes once a loop has taken the connection.
            // With the kernel's deferral, the connection comes with what was sent: the loop keeps a head cut short.
            out.write(request, 0, request.length - 1);
            await().atMost(SETTLED).until(() -> openConnections() == 1);
            out.write(request, request.length - 1, 1);
            assertThat(Answer.read(new BufferedInputStream(socket.getInputStream()), false).bencode().has("files"))
                    .isTrue();
        }
    }

    @Test
    void whatNoClientSendsIsRefusedInBencodeAndClosed() throws IOException {
        CreatedUser user = newUser();
        assertRefused("POST /announce/" + user.passkey() + " HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi", 405,
                "only GET");
        assertRefused("DELETE /announce/" + user.passkey() + " HTTP/1.1\r\nConnection: close\r\n\r\n", 405, "only GET");
        assertRefused("GET /announce/" + user.passkey() + "?x=1 HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi", 400,
                "tracker requests have no body");
        assertRefused("GET /announce/" + user.passkey() + " HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
                "tracker requests have no body");
        assertRefused("GET /announce/" + user.passkey() + "\r\n\r\n", 400, "malformed request");
        assertRefused("GET /announce/" + user.passkey() + " SPDY/3\r\n\r\n", 400, "malformed request");
        assertRefused("GET /announce HTTP/1.1\r\n bad: fold\r\n\r\n", 400, "malformed request");
        assertRefused("GET /announce/" + user.passkey() + " HTTP/1.1\r\nX-Big: " + "x".repeat(9000) + "\r\n\r\n",
                431, "too large");
        assertThat(meters.counter("tracker.front.refused", "status", "431").count()).isPositive();
    }

    /**
     * How soon is not asserted: Netty keeps its deadlines on the JVM's monotonic clock, not the injected
     * {@code Clock}, so "not before the timeout" could only be measured in wall-clock time, which a busy machine
     * stretches. That a connection is kept while its request is incomplete is
     * {@link #aRequestArrivingInPiecesIsAnswered}, and that an answered one stays open for the next request is
     * {@link #keepAliveAndPipelinedRequestsAreAnsweredInOrderUntilTheClientAsksToClose}.
     */
    @Test
    void connectionsWithoutAWholeRequestAreClosedByTheServer() throws IOException {
        try (Socket idle = connect(); Socket partial = connect()) {
            // The timeout (2 s), and for the idle one the kernel's deferral (3 s) first:
            // thirty seconds leaves room for a busy machine.
            idle.setSoTimeout(CLOSED_WITHIN_MILLIS);
            partial.setSoTimeout(CLOSED_WITHIN_MILLIS);
            partial.getOutputStream().write(ascii("GET /announce/"));
            assertThat(partial.getInputStream().read()).as("a request cut short").isEqualTo(-1);
            assertThat(idle.getInputStream().read()).as("a connection that sent nothing").isEqualTo(-1);
        }
    }

    /**
     * The kernel hands silent connections over after {@code tracker.front.defer-accept} (3 s) all the same, and the
     * speaker's idle connection times out after 2 s: the check comes right after one answer, well within both.
     */
    @Test
    void aConnectionReachesTheLoopsOnlyOnceItHasSentSomething() throws Exception {
        assumeTrue(clients.deferringAccept(), "TCP_DEFER_ACCEPT is not in effect (no epoll)");
        CreatedUser user = newUser();
        byte[] keepAliveScrape = ascii("GET /scrape/" + user.passkey() + "?info_hash="
                + TestClient.encoded(newTorrent(SIZE)) + " HTTP/1.1\r\n\r\n");
        await().atMost(SETTLED).until(() -> openConnections() == 0);
        try (Socket first = connect(); Socket second = connect(); Socket speaker = connect()) {
            // The kernel queues connections in the order they were made: handed over at once, the two silent ones
            // would have been taken before the speaker, whose answer shows that a loop has taken it.
            speaker.getOutputStream().write(keepAliveScrape);
            assertThat(Answer.read(new BufferedInputStream(speaker.getInputStream()), false).bencode().has("files"))
                    .isTrue();
            assertThat(openConnections()).as("open: the speaker only; the silent ones are still the kernel's")
                    .isEqualTo(1);
        }
    }

    private double openConnections() {
        return meters.get("tracker.front.connections").gauge().value();
    }

    /** A second tracker started on the port of a running one fails loudly instead of sharing the port. */
    @Test
    void aSecondServerOnAPortInUseFailsItsStart() {
        ClientServer second = new ClientServer(new ClientPortProperties(clients.port(), null), front, routes,
                addresses, sslBundles, new SimpleMeterRegistry());
        try {
            assertThatThrownBy(second::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot listen on tracker.port " + clients.port());
            assertThat(second.isRunning()).isFalse();
        } finally {
            if (second.isRunning()) {
                second.stop(); // a start that wrongly succeeded must not share the port with the next tests
            }
        }
    }

    /** Work on a worker that throws (an Error: the use case answers everything else) gives up its connection. */
    @Test
    void workThatThrowsAbandonsItsConnectionAndGivesItsPermitBack() throws Exception {
        FrontProperties oneWaiting = new FrontProperties(1, front.maxConnections(), front.maxConnectionsPerAddress(),
                front.maxRequestsPerConnection(), front.timeout(), front.maxRequestHead(), front.deferAccept(), 1, null);
        ClientServer server = new ClientServer(new ClientPortProperties(0, "127.0.0.1"), oneWaiting, routes,
                addresses, sslBundles, new SimpleMeterRegistry());
        EventExecutor loop = new DefaultEventExecutor();
        server.start();
        try {
            CompletableFuture<String> outcome = new CompletableFuture<>();
            assertThat(server.handOff(() -> {
                throw new StackOverflowError("thrown on purpose by the test");
            }, loop, body -> outcome.complete("written"), () -> { }, () -> outcome.complete("abandoned"))).isTrue();
            assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo("abandoned");

            CompletableFuture<byte[]> next = new CompletableFuture<>();
            assertThat(server.handOff(() -> new byte[] {1}, loop, next::complete, () -> { }, () -> { }))
                    .as("the one permit is back").isTrue();
            assertThat(next.get(10, TimeUnit.SECONDS)).containsExactly(1);
        } finally {
            server.stop();
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private void assertRefused(String request, int status, String reason) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(ascii(request));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            Answer answer = Answer.read(in, false);
            assertThat(answer.status).as(request).isEqualTo(status);
            assertThat(answer.head).as(request).containsIgnoringCase("connection: close");
            assertThat(answer.bencode().text("failure reason")).as(request).contains(reason);
            assertThat(in.read()).as(request).isEqualTo(-1);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), trackerPort);
        socket.setSoTimeout(10_000);
        return socket;
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One answer read exactly up to its Content-Length, so that the next pipelined one stays in the stream. */
    record Answer(int status, String head, byte[] body) {

        Bencode bencode() {
            return Bencode.of(body);
        }

        static Answer read(InputStream in, boolean headOnly) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new AssertionError("closed before a whole answer: " + head);
                }
                head.write(b);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            int length = 0;
            for (String line : text.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            byte[] body = in.readNBytes(headOnly ? 0 : length);
            return new Answer(Integer.parseInt(text.split(" ", 3)[1]), text, body);
        }
    }
}
