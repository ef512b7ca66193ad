package org.swarmkeeper.announce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient;
import org.swarmkeeper.support.Await;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.ReportingSession;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TestDatabase;
import org.swarmkeeper.support.TrackerIntegrationTest;
import org.swarmkeeper.support.TrackerProcess;
import org.swarmkeeper.support.WorkDirectory;

/**
 * Two nodes as deployed (docs/SCALING.md): two tracker processes on one PostgreSQL behind HAProxy, which hashes on the decoded
 * {@code info_hash} (consistent hashing). Admin changes made on one node reach the other within seconds; every
 * swarm lives on one node; after one node is killed (SIGKILL) the other takes its swarms over from PostgreSQL,
 * peer lists recover at once, and every user's totals equal the sum of the counters the clients reported —
 * nothing lost, nothing counted twice. Needs HAProxy (Debian package {@code haproxy}); skipped without it
 * unless {@code SWARMKEEPER_REAL_CLIENTS=required}. Logs under {@code target/two-nodes/}.
 */
class TwoNodesTest {

    private static final String TOKEN = TrackerIntegrationTest.ADMIN_TOKEN;
    private static final int TORRENTS = 24;
    private static final int PEERS_PER_TORRENT = 3;
    private static final long SIZE = 1L << 40;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Path work = Path.of("target", "two-nodes").toAbsolutePath();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void theSurvivingNodeTakesOverTheSwarmsAndNothingIsLostOrCountedTwice() throws Exception {
        requireHaproxy();
        WorkDirectory.fresh(work);
        TestDatabase.Connection db = TestDatabase.get();
        String[] node = {"--spring.datasource.url=" + db.url(), "--spring.datasource.username=" + db.username(),
                "--spring.datasource.password=" + db.password(), "--tracker.admin.token=" + TOKEN,
                "--tracker.network.trusted-proxies=127.0.0.1", "--tracker.ledger.flush-interval=200ms",
                // Announces come seconds apart here, not half an hour: no "too soon" warnings.
                "--tracker.announce.min-interval=0s"};
        TrackerProcess.Ports portsA = TrackerProcess.Ports.free();
        TrackerProcess.Ports portsB = TrackerProcess.Ports.free();
        Process nodeA = TrackerProcess.start(portsA, work.resolve("node-a.log"), node);
        processes.add(nodeA);
        processes.add(TrackerProcess.start(portsB, work.resolve("node-b.log"), node));
        int proxy = TrackerProcess.freePort();
        startHaproxy(proxy, TrackerProcess.freePort(), portsA, portsB);

        AdminClient adminA = new AdminClient(portsA.admin(), TOKEN);
        AdminClient adminB = new AdminClient(portsB.admin(), TOKEN);
        List<AdminClient.CreatedUser> users = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            users.add(adminA.createUser("node-user-" + i + "-" + ThreadLocalRandom.current().nextInt(1_000_000)));
        }
        List<InfoHash> torrents = new ArrayList<>();
        for (int i = 0; i < TORRENTS; i++) {
            byte[] hash = new byte[20];
            ThreadLocalRandom.current().nextBytes(hash);
            adminB.registerTorrent(HexFormat.of().formatHex(hash), SIZE);
            torrents.add(InfoHash.of(hash));
        }
        // Created on one node, announced directly to the other: LISTEN/NOTIFY carries them over.
        AdminClient.CreatedUser probe = users.get(0);
        TestClient direct = new TestClient(portsA.tracker(), probe.passkey(), torrents.get(TORRENTS - 1), "-TR3000-", "127.0.2.1");
        Await.until("a torrent registered on B is known to A", Duration.ofSeconds(5),
                () -> !direct.announce(0, 0, SIZE, AnnounceEvent.NONE).has("failure reason"));
        adminB.patch("/api/users/" + probe.id(), "{\"enabled\":false}");
        Await.until("a user disabled on B is refused by A", Duration.ofSeconds(5), () -> "account disabled".equals(
                failure(direct.announce(0, 0, SIZE, AnnounceEvent.NONE))));
        adminB.patch("/api/users/" + probe.id(), "{\"enabled\":true}");
        Await.until("and enabled again", Duration.ofSeconds(5), () -> failure(direct.announce(0, 0, SIZE, AnnounceEvent.STOPPED)) == null);

        List<ReportingSession> sessions = new ArrayList<>();
        int address = 1;
        for (int t = 0; t < TORRENTS; t++) {
            for (int p = 0; p < PEERS_PER_TORRENT; p++) {
                AdminClient.CreatedUser user = users.get((t + p) % users.size());
                sessions.add(new ReportingSession(user.id(), new TestClient(proxy, user.passkey(),
                        torrents.get(t), "-qB4520-", "127.0.3." + address++), SIZE));
            }
        }
        for (ReportingSession session : sessions) {
            announce(session, AnnounceEvent.STARTED);
        }
        round(sessions);

        // Consistent hashing: each swarm is whole on one node, and both nodes hold some.
        Map<InfoHash, String> owner = new HashMap<>();
        for (InfoHash torrent : torrents) {
            int onA = adminA.get("/api/torrents/" + torrent.hex()).json().get("peers").size();
            int onB = adminB.get("/api/torrents/" + torrent.hex()).json().get("peers").size();
            assertThat(List.of(onA, onB)).as("swarm of " + torrent.hex()).containsExactlyInAnyOrder(0, PEERS_PER_TORRENT);
            owner.put(torrent, onA > 0 ? "A" : "B");
        }
        assertThat(owner.values()).as("both nodes serve swarms").contains("A", "B");
        round(sessions);

        nodeA.destroyForcibly().waitFor(); // SIGKILL: its last ≤ 200 ms of credit was never written
        for (int r = 0; r < 3; r++) {
            round(sessions);
        }
        for (ReportingSession session : sessions) {
            if (owner.get(session.client().infoHash()).equals("A")) {
                Bencode answer = announce(session, AnnounceEvent.NONE);
                assertThat(answer.bytes("peers")).as("peer list of a swarm taken over from A")
                        .hasSize(6 * (PEERS_PER_TORRENT - 1));
            }
        }
        for (ReportingSession session : sessions) {
            announce(session, AnnounceEvent.STOPPED);
        }
        ReportingSession.assertCreditedExactly(adminB, sessions);
        for (InfoHash torrent : torrents) {
            assertThat(adminB.get("/api/torrents/" + torrent.hex()).json().get("peers")).as("everyone stopped").isEmpty();
        }
        Files.writeString(work.resolve("summary.txt"), "swarms on A: "
                + owner.values().stream().filter("A"::equals).count() + " of " + TORRENTS + "\n");
    }

    /** Every session reports new traffic once. */
    private void round(List<ReportingSession> sessions) {
        for (ReportingSession session : sessions) {
            session.transfer(1_000_000);
            announce(session, AnnounceEvent.NONE);
        }
    }

    /**
     * Announces until answered, like a client retrying: while HAProxy has not yet noticed a dead node, a try
     * can fail. The counters are cumulative, so a retry of something already counted adds nothing.
     */
    private Bencode announce(ReportingSession session, AnnounceEvent event) {
        AtomicReference<Bencode> answer = new AtomicReference<>();
        await("an answer through HAProxy").atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(200)).pollInSameThread()
                .ignoreExceptions() // a try that did not get through; the last one is the cause when none does
                .untilAsserted(() -> {
                    answer.set(session.announce(event));
                    assertThat(failure(answer.get())).as("failure reason").isNull();
                });
        return answer.get();
    }

    private static String failure(Bencode answer) {
        return answer.has("failure reason") ? answer.text("failure reason") : null;
    }

    /** Announces to each node's clients' port; health checks to its admin port. */
    private void startHaproxy(int port, int statsPort, TrackerProcess.Ports a, TrackerProcess.Ports b)
            throws IOException {
        Path config = work.resolve("haproxy.cfg");
        Files.writeString(config, """
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 30s
                    timeout server 30s
                    retries 2
                    option redispatch

                frontend trackers
                    bind 127.0.0.1:%d
                    option forwardfor
                    default_backend nodes

                backend nodes
                    # The decoded info_hash: clients percent-encode the same bytes differently.
                    balance hash url_param(info_hash),url_dec
                    hash-type consistent
                    option httpchk GET /actuator/health
                    default-server check inter 300ms fall 2 rise 1
                    server a 127.0.0.1:%d port %d
                    server b 127.0.0.1:%d port %d

                # For the test only: when both nodes have passed a health check.
                listen stats
                    bind 127.0.0.1:%d
                    stats enable
                    stats uri /
                """.formatted(port, a.tracker(), a.admin(), b.tracker(), b.admin(), statsPort));
        Process haproxy = new ProcessBuilder("haproxy", "-db", "-f", config.toString()).redirectErrorStream(true)
                .redirectOutput(work.resolve("haproxy.log").toFile()).start();
        processes.add(haproxy);
        // Swarms are hashed over the servers that are up: both must be before the first announce.
        Await.until("both nodes up after a passed health check", Duration.ofSeconds(30), () -> {
            if (!haproxy.isAlive()) {
                fail("haproxy did not start; see " + work.resolve("haproxy.log"));
            }
            return checkedUp(statsPort).containsAll(List.of("a", "b"));
        });
    }

    /** The servers HAProxy's statistics (CSV) list as UP after a passed layer 7 check; none while it starts. */
    private static Set<String> checkedUp(int statsPort) {
        String csv;
        try {
            csv = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort + "/;csv"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException notYet) {
            return Set.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        List<String[]> rows = csv.lines().map(line -> line.split(",", -1)).toList();
        List<String> columns = List.of(rows.get(0)); // "# pxname,svname,…"
        int name = columns.indexOf("svname");
        int status = columns.indexOf("status");
        int check = columns.indexOf("check_status");
        return rows.stream().skip(1).filter(row -> row[status].equals("UP") && row[check].equals("L7OK"))
                .map(row -> row[name]).collect(Collectors.toSet());
    }

    private static void requireHaproxy() {
        boolean installed = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            installed |= Files.isExecutable(Path.of(dir, "haproxy"));
        }
        if (!installed && "required".equals(System.getenv("SWARMKEEPER_REAL_CLIENTS"))) {
            fail("haproxy required but not installed");
        }
        Assumptions.assumeTrue(installed, "haproxy not installed");
    }
}
