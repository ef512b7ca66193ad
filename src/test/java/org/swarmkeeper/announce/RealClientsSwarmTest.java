package org.swarmkeeper.announce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.swarmkeeper.accounting.Ledger;
import org.swarmkeeper.front.ClientServer;
import org.swarmkeeper.policy.PeerGrades;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient;
import org.swarmkeeper.support.Commands;
import org.swarmkeeper.support.RequiredTools;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.Await;
import org.swarmkeeper.support.TrackerIntegrationTest;
import org.swarmkeeper.support.TrackerProcess;
import org.swarmkeeper.support.WorkDirectory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A swarm of real BitTorrent clients from Debian's packages, each with its own user, passkey and loopback
 * address, with DHT, PEX, local peer discovery and port mapping off, so that they can only find each other
 * through this tracker: Transmission seeds, aria2, qBittorrent, rTorrent, Deluge and Enhanced CTorrent leech.
 * Besides exact copies and credit within protocol overhead, the tracker's message on completing reaches aria2's log,
 * and no cheat rule may fire for any of these honest clients: end-game duplicates, protocol overhead, aria2's quick re-announces and ctorrent's missing
 * {@code completed} are normal. Runs on the real clock. Skipped where the clients are not installed, unless
 * {@code SWARMKEEPER_REAL_CLIENTS=required} (as in {@code .ci/run}). Each client's log is kept under
 * {@code target/real-clients/}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"tracker.admin.token=" + TrackerIntegrationTest.ADMIN_TOKEN, "tracker.port=0",
                // The standings a test sets stay as set: no evaluation of the ratio policy runs meanwhile.
                "tracker.policy.evaluate-interval=1d"})
class RealClientsSwarmTest {

    private static final int SIZE = 24 << 20;
    private static final List<String> TOOLS = List.of("mktorrent", "transmission-daemon", "transmission-remote",
            "aria2c", "qbittorrent-nox", "rtorrent", "deluged", "deluge-console", "ctorrent");
    private static final Map<String, String> ADDRESSES = Map.of("transmission", "127.0.0.31", "aria2", "127.0.0.32",
            "qbittorrent", "127.0.0.33", "rtorrent", "127.0.0.34", "deluge", "127.0.0.35", "ctorrent", "127.0.0.36");
    private static final Duration DOWNLOAD_LIMIT = Duration.ofMinutes(3);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** What a leecher completing this torrent is told in its client: the seed time its snatch obliges it to. */
    private static final String HIT_AND_RUN_MESSAGE = "hit-and-run: seed this torrent 72 h 0 min more by ";

    @LocalServerPort
    int port;

    @Autowired
    ClientServer clients;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Ledger ledger;

    @Autowired
    PeerGrades grades;

    /** Each test's clients' files and logs, kept for a look after the run. */
    private Path work = Path.of("target", "real-clients").toAbsolutePath();
    private final List<Process> processes = new ArrayList<>();
    private AdminClient admin;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TrackerIntegrationTest.registerDatabase(registry);
    }

    @AfterEach
    void stopEverything() {
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    @Test
    void transmissionSeedsFiveOtherClientsThroughTheTrackerOnlyWithoutACheatFinding() throws Exception {
        RequiredTools.requireOnPath(TOOLS);
        admin = new AdminClient(port, TrackerIntegrationTest.ADMIN_TOKEN);
        WorkDirectory.fresh(work);
        byte[] payload = new byte[SIZE];
        new Random().nextBytes(payload);
        Files.write(work.resolve("payload.bin"), payload);
        String payloadSha256 = sha256(payload);

        Map<String, AdminClient.CreatedUser> users = new TreeMap<>();
        for (String client : ADDRESSES.keySet()) {
            users.put(client, createUser(client));
        }
        String infoHash = null;
        for (Map.Entry<String, AdminClient.CreatedUser> user : users.entrySet()) {
            Path torrent = work.resolve(user.getKey() + ".torrent");
            run(work, "mktorrent", "-p", "-l", "18", "-a",
                    "http://127.0.0.1:" + clients.port() + "/announce/" + user.getValue().passkey(), "-o", torrent.toString(),
                    "payload.bin");
            String hash = infoHash(Files.readAllBytes(torrent));
            assertThat(infoHash == null || infoHash.equals(hash)).as("one info hash whatever the announce URL").isTrue();
            infoHash = hash;
        }
        assertThat(admin.post("/api/torrents", "{\"infoHash\":\"" + infoHash + "\",\"name\":\"payload.bin\",\"size\":"
                + SIZE + "}").status()).isEqualTo(201);
        String swarm = "/api/torrents/" + infoHash;

        int rpcPort = TrackerProcess.freePort();
        Process transmission = startTransmission(rpcPort);
        Await.until("the seeder announced", Duration.ofSeconds(60),
                () -> admin.get(swarm).json().get("seeders").asInt() == 1);

        Path aria2Dir = directory("aria2/data");
        Process aria2 = start("aria2", work, "aria2c", "--dir=" + aria2Dir, "--enable-dht=false",
                "--enable-dht6=false", "--enable-peer-exchange=false", "--bt-enable-lpd=false",
                "--interface=" + ADDRESSES.get("aria2"), "--listen-port=" + TrackerProcess.freePort(), "--seed-time=0",
                "--console-log-level=notice", "--summary-interval=0", "--bt-save-metadata=false",
                "--follow-torrent=mem", work.resolve("aria2.torrent").toString());
        Qbittorrent qbittorrent = startQbittorrent("qbittorrent", ADDRESSES.get("qbittorrent"));
        Path rtorrentDir = startRtorrent();
        Path delugeDir = startDeluge();
        Path ctorrentDir = directory("ctorrent/data");
        Process ctorrent = start("ctorrent", work.resolve("ctorrent"), "ctorrent", "-e", "0",
                "-i", ADDRESSES.get("ctorrent"), "-p", String.valueOf(TrackerProcess.freePort()),
                "-s", ctorrentDir.resolve("payload.bin").toString(), work.resolve("ctorrent.torrent").toString());

        // A file can be whole on disk before its client has checked its last pieces and counts itself done, so
        // each client's own signal is awaited: the libtorrent clients' left=0 comes with their "completed".
        assertThat(aria2.waitFor(DOWNLOAD_LIMIT.toSeconds(), TimeUnit.SECONDS)).as("aria2 quits once done").isTrue();
        assertThat(Files.readString(work.resolve("aria2/aria2.log"))).as("the tracker's message in aria2's log")
                .contains("Tracker returned warning message: " + HIT_AND_RUN_MESSAGE);
        assertThat(ctorrent.waitFor(DOWNLOAD_LIMIT.toSeconds(), TimeUnit.SECONDS)).as("ctorrent quits once done")
                .isTrue();
        Await.until("qBittorrent announced left=0", DOWNLOAD_LIMIT,
                () -> announcedComplete(swarm, users.get("qbittorrent").id()));
        Await.until("Deluge announced left=0", DOWNLOAD_LIMIT,
                () -> announcedComplete(swarm, users.get("deluge").id()));
        Await.until("rTorrent's download.finished event", DOWNLOAD_LIMIT,
                () -> Files.exists(work.resolve("rtorrent/finished")));
        for (Path done : List.of(aria2Dir, qbittorrent.data(), rtorrentDir, delugeDir, ctorrentDir)) {
            assertThat(sha256(done.resolve("payload.bin"))).as("the copy in " + done).isEqualTo(payloadSha256);
        }

        // Everyone leaves the way a user would: aria2 and ctorrent ("-e 0": seed for no time) quit once done,
        // Transmission's torrent is stopped over RPC (it sends no "stopped" on SIGTERM), qBittorrent, rTorrent and
        // Deluge get SIGTERM.
        run(work, "transmission-remote", "127.0.0.1:" + rpcPort, "-t", "all", "-S");
        for (Process process : processes) {
            if (process != transmission) {
                process.destroy();
            }
        }
        try {
            Await.until("every peer left the swarm", Duration.ofSeconds(60), () -> {
                JsonNode view = admin.get(swarm).json();
                return view.get("seeders").asInt() == 0 && view.get("leechers").asInt() == 0;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; still there: " + admin.get(swarm).json().get("peers"), e);
        }
        ledger.durable().get(10, TimeUnit.SECONDS);

        // Honest clients' ways (blocks fetched twice in end-game mode, protocol overhead, aria2 re-announcing at
        // once, ctorrent never sending "completed") must not look like cheating to any rule. Checked first: a
        // finding that withheld credit explains the totals below.
        Map<String, JsonNode> findings = new TreeMap<>();
        for (Map.Entry<String, AdminClient.CreatedUser> user : users.entrySet()) {
            AdminClient.Answer flags = admin.get("/api/users/" + user.getValue().id() + "/flags");
            assertThat(flags.status()).isEqualTo(200);
            if (!flags.json().isEmpty()) {
                findings.put(user.getKey(), flags.json());
            }
        }
        assertThat(findings).as("cheat findings about honest clients").isEmpty();

        JsonNode torrent = admin.get(swarm).json();
        assertThat(torrent.get("snatches").asLong()).as("one snatch per leecher; history: " + history(infoHash))
                .isEqualTo(users.size() - 1);
        long downloadedByLeechers = 0;
        long uploadedByAll = 0;
        StringBuilder summary = new StringBuilder("client uploaded downloaded (payload " + SIZE + ")\n");
        for (Map.Entry<String, AdminClient.CreatedUser> user : users.entrySet()) {
            JsonNode view = admin.user(user.getValue().id());
            summary.append(user.getKey()).append(' ').append(view.get("uploaded").asLong()).append(' ')
                    .append(view.get("downloaded").asLong()).append('\n');
            uploadedByAll += view.get("uploaded").asLong();
            assertThat(view.get("activeSeeding").asLong() + view.get("activeLeeching").asLong())
                    .as(user.getKey() + " has no active peer left").isZero();
            if (!user.getKey().equals("transmission")) {
                long downloaded = view.get("downloaded").asLong();
                downloadedByLeechers += downloaded;
                // aria2 counts blocks it fetched twice in end-game mode: measured up to 22 % over the payload.
                assertThat(downloaded).as(user.getKey() + "'s credited download, within protocol overhead")
                        .isBetween((long) SIZE, SIZE + SIZE / 4L);
            }
        }
        Files.writeString(work.resolve("summary.txt"), summary);
        // Uploaders count what they sent, including blocks sent twice in end-game mode and blocks a peer
        // cancelled or already had: a few percent above what arrived.
        long seederUploaded = admin.user(users.get("transmission").id()).get("uploaded").asLong();
        assertThat(seederUploaded).as("the seeder sent at least one whole copy, and not much more than was downloaded")
                .isBetween((long) SIZE, downloadedByLeechers + downloadedByLeechers / 10);
        assertThat(uploadedByAll).as("what everyone uploaded is what the leechers downloaded, within overhead")
                .isBetween(downloadedByLeechers - downloadedByLeechers / 20, downloadedByLeechers + downloadedByLeechers / 10);
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM peers p JOIN torrents t ON t.id = p.torrent_id
                WHERE t.info_hash = decode(?, 'hex') AND p.active""", Long.class, infoHash)).isZero();
        for (Map.Entry<String, AdminClient.CreatedUser> user : users.entrySet()) {
            assertThat(jdbc.queryForList("SELECT host(ipv4) FROM peers WHERE user_id = ?", String.class,
                    user.getValue().id())).as(user.getKey() + " announced from its own address")
                    .containsOnly(ADDRESSES.get(user.getKey()));
        }
        run(work, "transmission-remote", "127.0.0.1:" + rpcPort, "--exit");
    }

    /**
     * Two qBittorrents of different standing leech one swarm of eight seeders nobody can reach (announced from
     * loopback addresses where nothing listens): the tracker's reply to each, as qBittorrent counts its peers,
     * holds every seeder for the user in good standing and a quarter of them for the user on ratio watch, who is
     * also told so in the client.
     */
    @Test
    void gradedPeerListsAndTheWatchMessageReachQbittorrent() throws Exception {
        RequiredTools.requireOnPath(List.of("mktorrent", "qbittorrent-nox"));
        admin = new AdminClient(port, TrackerIntegrationTest.ADMIN_TOKEN);
        work = Path.of("target", "real-clients-graded").toAbsolutePath();
        WorkDirectory.fresh(work);
        byte[] payload = new byte[1 << 20];
        new Random().nextBytes(payload);
        Files.write(work.resolve("payload.bin"), payload);
        Map<String, AdminClient.CreatedUser> users = new TreeMap<>();
        String infoHash = null;
        for (String name : List.of("good", "watched")) {
            users.put(name, createUser(name));
            run(work, "mktorrent", "-p", "-l", "16", "-a", "http://127.0.0.1:" + clients.port() + "/announce/"
                    + users.get(name).passkey(), "-o", work.resolve(name + ".torrent").toString(), "payload.bin");
            infoHash = infoHash(Files.readAllBytes(work.resolve(name + ".torrent")));
        }
        assertThat(admin.post("/api/torrents", "{\"infoHash\":\"" + infoHash + "\",\"name\":\"graded\",\"size\":"
                + payload.length + "}").status()).isEqualTo(201);
        for (int i = 0; i < 8; i++) {
            new TestClient(clients.port(), createUser("seeder" + i).passkey(), InfoHash.fromHex(infoHash), "-qB4520-",
                    "127.0.0." + (60 + i)).announce(0, 0, 0, AnnounceEvent.STARTED);
        }
        // On ratio watch, as an evaluation of the ratio policy leaves a user who downloaded without uploading.
        jdbc.update("""
                INSERT INTO user_standing (user_id, ratio, required_ratio, seeding_share, watch_started_at,
                                           watch_ends_at, watch_downloaded_at_start, evaluated_at)
                VALUES (?, 0, 0.15, 0, now(), now() + interval '14 days', 0, now())""", users.get("watched").id());
        grades.reload();

        Qbittorrent good = startQbittorrent("good", "127.0.0.51");
        Qbittorrent watched = startQbittorrent("watched", "127.0.0.52");
        String hash = infoHash;
        Await.until("both qBittorrents have the tracker's reply", Duration.ofSeconds(60),
                () -> Stream.of(good, watched).allMatch(client -> answered(trackerEntry(client, hash))));
        // Each was listed to the other only if it announced second.
        assertThat(trackerEntry(good, hash).get("num_peers").asInt()).as("every seeder").isBetween(8, 9);
        JsonNode watchedEntry = trackerEntry(watched, hash);
        assertThat(watchedEntry.get("num_peers").asInt()).as("a quarter of the seeders").isBetween(2, 3);
        assertThat(watchedEntry.get("msg").asString()).isEqualTo("ratio watch: your ratio 0.00 is under the required "
                + "0.15; seed to raise it within 14 days, or you lose leech rights");
    }

    /** Whether qBittorrent's entry for this tracker shows a reply with peers. */
    private static boolean answered(JsonNode tracker) {
        return tracker != null && tracker.get("num_peers").asInt() > 0;
    }

    private List<Map<String, Object>> history(String infoHash) {
        return jdbc.queryForList("SELECT u.name, h.completed_at, h.raw_downloaded, h.raw_uploaded, p.active, p.bytes_left"
                + " FROM user_torrent_history h JOIN users u ON u.id = h.user_id JOIN torrents t ON t.id = h.torrent_id"
                + " LEFT JOIN peers p ON p.user_id = h.user_id AND p.torrent_id = h.torrent_id"
                + " WHERE t.info_hash = decode(?, 'hex')", infoHash);
    }

    /** Whether the swarm lists a peer of this user that reported {@code left=0}. */
    private boolean announcedComplete(String swarm, long userId) {
        for (JsonNode peer : admin.get(swarm).json().get("peers")) {
            if (peer.get("userId").asLong() == userId && peer.get("left").asLong() == 0) {
                return true;
            }
        }
        return false;
    }

    private AdminClient.CreatedUser createUser(String client) {
        return admin.createUser("real-" + client + "-" + System.nanoTime() % 1_000_000);
    }

    /** Transmission 3.00 seeding from 127.0.0.31: settings.json turns DHT, PEX, LPD, uTP and port mapping off. */
    private Process startTransmission(int rpcPort) throws IOException {
        Path config = directory("transmission/config");
        Path data = directory("transmission/data");
        Files.copy(work.resolve("payload.bin"), data.resolve("payload.bin"));
        Files.writeString(config.resolve("settings.json"), """
                {"bind-address-ipv4": "%s", "dht-enabled": false, "lpd-enabled": false,
                 "pex-enabled": false, "utp-enabled": false, "port-forwarding-enabled": false,
                 "peer-port": %d, "peer-port-random-on-start": false, "rpc-enabled": true,
                 "rpc-bind-address": "127.0.0.1", "rpc-port": %d, "rpc-authentication-required": false,
                 "rpc-whitelist-enabled": false, "rpc-host-whitelist-enabled": false, "download-dir": "%s",
                 "incomplete-dir-enabled": false, "ratio-limit-enabled": false,
                 "idle-seeding-limit-enabled": false, "message-level": 2}
                """.formatted(ADDRESSES.get("transmission"), TrackerProcess.freePort(), rpcPort, data));
        Process daemon = start("transmission", work, "transmission-daemon", "-f", "-g", config.toString());
        Await.until("Transmission's RPC", Duration.ofSeconds(30),
                () -> tryRun("transmission-remote", "127.0.0.1:" + rpcPort, "-l"));
        run(work, "transmission-remote", "127.0.0.1:" + rpcPort, "-a", work.resolve("transmission.torrent").toString(),
                "-w", data.toString());
        return daemon;
    }

    /** A qBittorrent started by {@link #startQbittorrent}: where it saves, and its Web API's port on 127.0.0.1. */
    private record Qbittorrent(Path data, int webUiPort) {
    }

    /**
     * qBittorrent 4.5 (libtorrent 2.0) as {@code name}, leeching {@code name.torrent} from {@code address}; the legal
     * notice is accepted in its config, and its Web API answers 127.0.0.1 without a login.
     */
    private Qbittorrent startQbittorrent(String name, String address) throws IOException {
        Path profile = directory(name + "/profile/qBittorrent/config");
        Path data = directory(name + "/data");
        int webUiPort = TrackerProcess.freePort();
        Files.writeString(profile.resolve("qBittorrent.conf"), """
                [LegalNotice]
                Accepted=true

                [BitTorrent]
                Session\\DHTEnabled=false
                Session\\LSDEnabled=false
                Session\\PeXEnabled=false
                Session\\Port=%d
                Session\\Interface=lo
                Session\\InterfaceName=lo
                Session\\InterfaceAddress=%s
                Session\\DefaultSavePath=%s
                Session\\QueueingSystemEnabled=false

                [Preferences]
                WebUI\\Address=127.0.0.1
                WebUI\\Port=%d
                WebUI\\LocalHostAuth=false
                Connection\\UPnP=false
                """.formatted(TrackerProcess.freePort(), address, data, webUiPort));
        start(name, work, "qbittorrent-nox", "--profile=" + work.resolve(name + "/profile"),
                "--save-path=" + data, work.resolve(name + ".torrent").toString());
        return new Qbittorrent(data, webUiPort);
    }

    /** This tracker's entry in qBittorrent's list of the torrent's trackers (Web API), or null before it has one. */
    private static JsonNode trackerEntry(Qbittorrent qbittorrent, String infoHash) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + qbittorrent.webUiPort() + "/api/v2/torrents/trackers?hash=" + infoHash)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                return null;
            }
            for (JsonNode tracker : JSON.readTree(answer.body())) {
                if (tracker.get("url").asString().contains("/announce/")) {
                    return tracker;
                }
            }
            return null;
        } catch (IOException e) {
            return null; // its Web API is not up yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** rTorrent 0.9.8 (libtorrent 0.13.8) as a daemon leeching from 127.0.0.34. */
    private Path startRtorrent() throws IOException {
        Path data = directory("rtorrent/data");
        Path session = directory("rtorrent/session");
        int peerPort = TrackerProcess.freePort();
        Files.writeString(work.resolve("rtorrent/rtorrent.rc"), """
                directory.default.set = %s
                session.path.set = %s
                network.bind_address.set = %s
                network.port_range.set = %d-%d
                network.port_random.set = no
                dht.mode.set = disable
                protocol.pex.set = no
                trackers.use_udp.set = no
                pieces.hash.on_completion.set = no
                system.daemon.set = true
                method.set_key = event.download.finished, swarmkeeper, "execute.nothrow = touch, %s"
                """.formatted(data, session, ADDRESSES.get("rtorrent"), peerPort, peerPort,
                work.resolve("rtorrent/finished")));
        start("rtorrent", work, "rtorrent", "-n", "-o", "import=" + work.resolve("rtorrent/rtorrent.rc"),
                "-o", "load.start=" + work.resolve("rtorrent.torrent"));
        return data;
    }

    /**
     * Deluge 2.0 (libtorrent 2.0) as a daemon leeching from 127.0.0.35, with its own config directory; the torrent
     * is added with deluge-console, which reads the daemon's local credentials from that directory. On Python 3.11,
     * Deluge 2.0.3's info and warning messages break its logging, hence {@code -L error}.
     */
    private Path startDeluge() throws IOException {
        Path config = directory("deluge/config");
        Path data = directory("deluge/data");
        int peerPort = TrackerProcess.freePort();
        Files.writeString(config.resolve("core.conf"), """
                {"file": 1, "format": 1}{
                 "dht": false, "lsd": false, "utpex": false, "upnp": false, "natpmp": false,
                 "listen_interface": "%1$s", "outgoing_interface": "%1$s", "listen_ports": [%2$d, %2$d],
                 "random_port": false, "download_location": "%3$s", "new_release_check": false}
                """.formatted(ADDRESSES.get("deluge"), peerPort, data));
        int daemonPort = TrackerProcess.freePort();
        start("deluge", work, "deluged", "-d", "-c", config.toString(), "-u", "127.0.0.1", "-p",
                String.valueOf(daemonPort), "-L", "error");
        // deluge-console waits forever for a daemon that is not listening, and exits 0 whatever happened.
        Await.until("Deluge's daemon", Duration.ofSeconds(30), () -> listening(daemonPort));
        assertThat(Commands.check(work.toFile(), Duration.ofSeconds(60), "deluge-console", "-c", config.toString(),
                "-L", "error", "-p", String.valueOf(daemonPort),
                "add -p " + data + " " + work.resolve("deluge.torrent"))).contains("Torrent added!");
        return data;
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Process start(String name, Path dir, String... command) throws IOException {
        Path log = directory(name).resolve(name + ".log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectOutput(log.toFile()).start();
        processes.add(process);
        return process;
    }

    private static void run(Path dir, String... command) {
        Commands.check(dir.toFile(), Duration.ofSeconds(60), command);
    }

    private static boolean tryRun(String... command) {
        return Commands.run(new File("."), Duration.ofSeconds(10), command).succeeded();
    }

    private Path directory(String relative) throws IOException {
        return Files.createDirectories(work.resolve(relative));
    }

    /** SHA-1 of the bencoded {@code info} value, found by walking the torrent's top-level dictionary. */
    static String infoHash(byte[] torrent) {
        int[] at = {1};
        while (torrent[at[0]] != 'e') {
            int keyStart = at[0];
            skip(torrent, at);
            String key = new String(torrent, keyStart, at[0] - keyStart, StandardCharsets.ISO_8859_1);
            int valueStart = at[0];
            skip(torrent, at);
            if (key.equals("4:info")) {
                try {
                    MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
                    sha1.update(torrent, valueStart, at[0] - valueStart);
                    return HexFormat.of().formatHex(sha1.digest());
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new AssertionError("no info dictionary");
    }

    /** Moves {@code at[0]} past one bencoded value. */
    private static void skip(byte[] b, int[] at) {
        byte type = b[at[0]];
        if (type == 'i') {
            while (b[at[0]++] != 'e') {
                // digits
            }
        } else if (type == 'l' || type == 'd') {
            at[0]++;
            while (b[at[0]] != 'e') {
                skip(b, at);
            }
            at[0]++;
        } else {
            int colon = at[0];
            while (b[colon] != ':') {
                colon++;
            }
            int length = Integer.parseInt(new String(b, at[0], colon - at[0], StandardCharsets.ISO_8859_1));
            at[0] = colon + 1 + length;
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(Path file) {
        try {
            return sha256(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
