package org.swarmkeeper.integrity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.jdbc.core.JdbcTemplate;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.TestClient;

/**
 * One seeded run: 51 clients (46 honest ones of 16 users, five forgers) announce over 60 steps to two tracker
 * nodes on one PostgreSQL while the {@link FaultPlan} strikes at step boundaries; then every live client stops, the
 * ledgers settle, and the totals in PostgreSQL are compared with the model ({@link ModelPeer}).
 *
 * <p>Routing is what consistent hashing over two nodes amounts to: each torrent has a home node, and its announces
 * go there while it is up, to the other node while it is not. Within a step the clients announce concurrently (at
 * most once each); every decision (what to announce, which fault, where) comes from the seed, and the model follows
 * what the tracker answered: an announce refused, not answered, or answered "not recorded" (full ledger) changes
 * nothing, and the client's next announce carries its bytes.
 */
final class LedgerSimulation {

    static final int STEPS = 60;
    private static final int TORRENTS = 12;
    private static final int HONEST_USERS = 16;
    private static final int HONEST_CLIENTS = 46;
    /** A gap between two announces counts as active time up to this: the interval handed out plus as much again. */
    private static final long ACTIVE_GAP_CAP_MILLIS = 2 * TrackerCluster.INTERVAL.toMillis();
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final Duration FINDING_WAIT = Duration.ofSeconds(5);

    /** What a run found: the trace to replay it by, and every way the tracker broke the specification. */
    record Result(List<String> trace, List<String> violations) {
    }

    /** An announce as sent: the node it was routed to, the answer (or why there was none), the client's clock. */
    private record Outcome(TrackerCluster.Node node, Bencode answer, String error, long sentMillis,
                           long receivedMillis) {
    }

    private final TrackerCluster cluster;
    private final FaultPlan plan;
    private final SplittableRandom random;
    private final Map<Long, String> homes = new HashMap<>();
    private final List<SimulatedClient> clients = new ArrayList<>();
    private final List<String> trace = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final Map<String, Integer> unrecorded = new TreeMap<>();
    private final ExecutorService workers = Executors.newFixedThreadPool(8);
    private CompletableFuture<Void> cut;
    private TrackerCluster.Node cutNode;

    private LedgerSimulation(long seed, Path data, Path logs) throws IOException {
        this.random = new SplittableRandom(seed);
        this.plan = FaultPlan.draw(random.split(), STEPS);
        this.cluster = new TrackerCluster(data, logs, plan.smallLedger(), plan.maxPendingPeers());
    }

    /** Runs the seed on a new cluster whose PostgreSQL keeps its data in {@code data}; node logs go to {@code logs}. */
    static Result run(long seed, Path data, Path logs) throws Exception {
        LedgerSimulation simulation = new LedgerSimulation(seed, data, logs);
        try (TrackerCluster cluster = simulation.cluster) {
            simulation.run();
        } finally {
            simulation.workers.shutdownNow();
            Files.write(logs.resolve("trace.txt"), simulation.trace);
        }
        return new Result(simulation.trace, simulation.violations);
    }

    private void run() throws Exception {
        trace.add("plan: " + plan);
        List<Callable<Void>> starts = new ArrayList<>();
        for (TrackerCluster.Node node : cluster.nodes()) {
            starts.add(() -> {
                node.start();
                return null;
            });
        }
        for (Future<Void> started : workers.invokeAll(starts)) {
            started.get();
        }
        setUp();
        for (int step = 0; step < STEPS; step++) {
            for (FaultPlan.Fault fault : plan.at(step)) {
                inject(step, fault);
            }
            List<SimulatedClient.Planned> planned = new ArrayList<>();
            for (SimulatedClient client : clients) {
                SimulatedClient.Planned announce = client.plan(step, System.currentTimeMillis());
                if (announce != null) {
                    planned.add(announce);
                }
            }
            send(planned);
            awaitCut(step);
        }
        List<SimulatedClient.Planned> last = new ArrayList<>();
        for (SimulatedClient client : clients) {
            SimulatedClient.Planned announce = client.finish();
            if (announce != null) {
                last.add(announce);
            }
        }
        send(last);
        trace.add("end: every live client stopped; announces not recorded during the run: " + unrecorded);
        if (!cluster.awaitLedgersSettled(SETTLE)) {
            violations.add("the ledgers did not settle within " + SETTLE.toSeconds() + " s after the last announce");
        }
        checkTotals();
        checkSeedPoints();
    }

    /** Users, torrents (with their home nodes), the clients, and the forgers' users without leech rights. */
    private void setUp() {
        AdminClient admin = cluster.node("A").admin;
        SplittableRandom setup = random.split();
        List<AdminClient.CreatedUser> honest = new ArrayList<>();
        for (int u = 0; u < HONEST_USERS; u++) {
            honest.add(admin.createUser("honest-" + u));
        }
        List<String> forgerNames = List.of("returns-started", "returns-without-event", "falls-silent",
                "complete-leecher-0", "complete-leecher-1");
        List<AdminClient.CreatedUser> forgers = new ArrayList<>();
        for (String name : forgerNames) {
            forgers.add(admin.createUser(name));
        }
        List<Torrent> torrents = new ArrayList<>();
        for (int t = 0; t < TORRENTS; t++) {
            Torrent torrent = register(admin, setup, 96 * 1024 + setup.nextInt(288 * 1024));
            torrents.add(torrent);
            homes.put(torrent.id(), t < 2 ? (t == 0 ? "A" : "B") : (setup.nextBoolean() ? "A" : "B"));
        }
        int address = 1;
        for (int c = 0; c < HONEST_CLIENTS; c++) {
            AdminClient.CreatedUser user = honest.get(c % HONEST_USERS);
            Torrent torrent = torrents.get((c / HONEST_USERS * 5 + c % HONEST_USERS) % TORRENTS);
            boolean leecher = setup.nextBoolean();
            clients.add(new SimulatedClient.Honest(identity("honest-" + (c % HONEST_USERS) + "/" + c, user, torrent,
                    address++), random.split(), home(torrent), leecher ? torrent.size() : 0));
        }
        List<AnnounceEvent> returns = List.of(AnnounceEvent.STARTED, AnnounceEvent.NONE, AnnounceEvent.NONE);
        for (int f = 0; f < forgers.size(); f++) {
            AdminClient.CreatedUser user = forgers.get(f);
            Torrent torrent = torrents.get(setup.nextInt(TORRENTS));
            SimulatedClient.Identity identity = identity(forgerNames.get(f), user, torrent, address++);
            if (f < returns.size()) {
                clients.add(new SimulatedClient.Forger(identity, random.split(), home(torrent),
                        TrackerCluster.UPLOAD_CEILING, f < 2, returns.get(f), STEPS));
            } else {
                admin.patch("/api/users/" + user.id(), "{\"canLeech\":false}");
                clients.add(new SimulatedClient.CompleteLeecher(identity, random.split(), home(torrent)));
            }
        }
        awaitBothNodesKnow(register(admin, setup, 1024), forgers.get(forgers.size() - 1), honest.get(0));
        trace.add("homes: " + homes);
    }

    private record Torrent(long id, InfoHash infoHash, long size) {
    }

    private static Torrent register(AdminClient admin, SplittableRandom setup, long size) {
        byte[] hash = new byte[20];
        setup.nextBytes(hash);
        String hex = HexFormat.of().formatHex(hash);
        AdminClient.Answer answer = admin.post("/api/torrents",
                "{\"infoHash\":\"" + hex + "\",\"name\":\"t-" + hex + "\",\"size\":" + size + "}");
        if (answer.status() != 201) {
            throw new AssertionError("torrent not registered: " + answer);
        }
        return new Torrent(answer.json().get("id").asLong(), InfoHash.of(hash), size);
    }

    private static SimulatedClient.Identity identity(String label, AdminClient.CreatedUser user, Torrent torrent,
                                                     int address) {
        return new SimulatedClient.Identity(label, user.id(), user.passkey(), torrent.id(), torrent.infoHash(),
                "127.0.6." + address);
    }

    private int home(Torrent torrent) {
        return cluster.node(homes.get(torrent.id())).trackerPort;
    }

    /**
     * Admin changes reach the other node by LISTEN/NOTIFY, in order: once both nodes know the torrent registered
     * last and refuse a leeching announce of the user whose leech rights were taken last, they know everything set
     * up before. Probed on a torrent of their own, whose swarm nobody else uses.
     */
    private void awaitBothNodesKnow(Torrent probe, AdminClient.CreatedUser withoutLeechRights,
                                    AdminClient.CreatedUser withLeechRights) {
        for (TrackerCluster.Node node : cluster.nodes()) {
            TestClient refused = new TestClient(node.trackerPort, withoutLeechRights.passkey(), probe.infoHash(), "-qB4520-",
                    "127.0.6.250");
            TestClient known = new TestClient(node.trackerPort, withLeechRights.passkey(), probe.infoHash(), "-qB4520-",
                    "127.0.6.251");
            if (!TrackerCluster.within(Duration.ofSeconds(10),
                    () -> !known.announce(0, 0, 0, AnnounceEvent.STOPPED).has("failure reason")
                            && refused.announce(0, 0, 1, AnnounceEvent.NONE).has("failure reason"))) {
                throw new AssertionError("node " + node + " did not learn the users and torrents within 10 s");
            }
        }
    }

    /** The node a torrent's announces go to: its home while that is up, else the other one. */
    private TrackerCluster.Node route(long torrentId) {
        TrackerCluster.Node home = cluster.node(homes.get(torrentId));
        return home.alive() ? home : cluster.other(home);
    }

    private void inject(int step, FaultPlan.Fault fault) throws Exception {
        switch (fault.kind()) {
            case STOP_POSTGRES -> {
                settleFindings(null);
                if (!cluster.awaitLedgersSettled(SETTLE)) {
                    violations.add("step " + step + ": the ledgers did not settle within " + SETTLE.toSeconds()
                            + " s before PostgreSQL was stopped");
                }
                allPeers().forEach(ModelPeer::committedBeforeOutage);
                cluster.stopPostgres();
                trace.add("step " + step + ": PostgreSQL stopped (every ledger settled first)");
            }
            case START_POSTGRES -> {
                cluster.startPostgres();
                trace.add("step " + step + ": PostgreSQL started");
            }
            case RESTART -> {
                TrackerCluster.Node node = cluster.node(fault.node());
                node.start();
                trace.add("step " + step + ": node " + node + " started again; its home torrents route back to it");
            }
            case KILL -> {
                TrackerCluster.Node node = cluster.node(fault.node());
                if (!node.alive() || !cluster.other(node).alive()) {
                    trace.add("step " + step + ": kill of node " + node + " skipped (one node must stay up)");
                    return;
                }
                boolean postgresUp = cluster.postgresUp();
                settleFindings(node);
                node.kill();
                int rolledBack = rollBack(node);
                trace.add("step " + step + ": kill -9 of node " + node + " (PostgreSQL " + (postgresUp ? "up" : "down")
                        + "); all torrents route to node " + cluster.other(node) + "; " + rolledBack
                        + " peers lost what the node had not committed");
            }
            case CUT_COMMIT -> {
                if (cut != null) {
                    return; // one cut at a time: the plan drew two for this step
                }
                TrackerCluster.Node node = cluster.node(fault.node());
                node = node.alive() ? node : cluster.other(node);
                cut = node.cutNextCommit();
                cutNode = node;
            }
        }
    }

    /** After the step that follows an armed cut: its ledger commit went through without an acknowledgement. */
    private void awaitCut(int step) throws InterruptedException {
        if (cut == null) {
            return;
        }
        try {
            cut.get(10, TimeUnit.SECONDS);
            trace.add("step " + step + ": a ledger commit of node " + cutNode
                    + " reached PostgreSQL, its acknowledgement was cut off");
        } catch (TimeoutException | ExecutionException e) {
            cutNode.disarm();
            trace.add("step " + step + ": no ledger commit of node " + cutNode + " to cut within 10 s");
        }
        cut = null;
    }

    private void send(List<SimulatedClient.Planned> planned) throws InterruptedException, ExecutionException {
        List<Callable<Outcome>> calls = new ArrayList<>();
        for (SimulatedClient.Planned announce : planned) {
            TrackerCluster.Node node = route(announce.peer().torrentId());
            calls.add(() -> announce(node, announce));
        }
        List<Future<Outcome>> outcomes = workers.invokeAll(calls);
        for (int i = 0; i < planned.size(); i++) {
            apply(planned.get(i), outcomes.get(i).get());
        }
    }

    private static Outcome announce(TrackerCluster.Node node, SimulatedClient.Planned announce) {
        TestClient target = announce.session().at(node.trackerPort);
        if (announce.viaV6()) {
            target = target.from("::1");
        }
        ModelPeer.Report report = announce.report();
        long sent = System.currentTimeMillis();
        try {
            Bencode answer = target.announce(report.uploaded(), report.downloaded(), report.left(), announce.event());
            return new Outcome(node, answer, null, sent, System.currentTimeMillis());
        } catch (RuntimeException | AssertionError e) {
            return new Outcome(node, null, e.toString(), sent, System.currentTimeMillis());
        }
    }

    /** What the tracker must now hold, by its answer. */
    private void apply(SimulatedClient.Planned announce, Outcome outcome) {
        announce.client().answered(announce, outcome.sentMillis(), outcome.receivedMillis());
        String unrecordedBecause = outcome.answer() == null ? "no answer: " + outcome.error()
                : outcome.answer().has("failure reason") ? outcome.answer().text("failure reason")
                : outcome.answer().has("warning message")
                        && outcome.answer().text("warning message").contains("not recorded") ? "ledger full" : null;
        if (unrecordedBecause != null) {
            unrecorded.merge(unrecordedBecause, 1, Integer::sum);
            return;
        }
        ModelPeer peer = announce.peer();
        ModelPeer.Report held = peer.lastReport();
        if (held != null && announce.client().cheatsAgainst(held, announce.report())) {
            announce.client().cheated(outcome.node().name, outcome.sentMillis());
            if (announce.client() instanceof SimulatedClient.Forger forger) {
                trace.add(forger.identity.label() + " " + forger.describe() + "; recorded by node " + outcome.node());
            }
        }
        peer.record(announce.report(), outcome.sentMillis(), outcome.receivedMillis(), outcome.node().name);
    }

    /**
     * A node about to die (every node, for {@code null}) must first have logged its findings on the forgers' returns
     * it recorded: the decision log is written a second after the announce, and losing it with the process is not
     * what this run examines. Waits a few seconds for each; with PostgreSQL down there is nothing to wait for, and
     * the forger's return, not committed either, is judged again on its next announce.
     */
    private void settleFindings(TrackerCluster.Node dying) {
        for (SimulatedClient client : clients) {
            if (client instanceof SimulatedClient.Forger forger && forger.judgedBy() != null
                    && (dying == null || dying.name.equals(forger.judgedBy()))) {
                if (cluster.postgresUp() && !TrackerCluster.within(FINDING_WAIT,
                        () -> findingLogged(forger, forger.returnSentMillis()))) {
                    trace.add("no " + forger.expectedFinding() + " finding for " + forger.identity.label()
                            + " from node " + forger.judgedBy() + " within " + FINDING_WAIT.toSeconds() + " s");
                }
                forger.judgementSettled();
            }
        }
    }

    private boolean findingLogged(SimulatedClient client, long sinceMillis) {
        Integer found = cluster.database().queryForObject("""
                SELECT count(*) FROM policy_events WHERE user_id = ? AND rule = 'cheat' AND code = ?
                AND created_at >= timestamptz 'epoch' + ? * interval '1 millisecond'""", Integer.class,
                client.identity.userId(), client.expectedFinding(), sinceMillis);
        return found != null && found > 0;
    }

    /**
     * The peers whose last recorded announce went to the killed node go back to the state it committed: read from
     * PostgreSQL, or, while PostgreSQL is down, the state when it stopped (nothing has committed since).
     */
    private int rollBack(TrackerCluster.Node killed) {
        Map<String, long[]> committed = cluster.postgresUp() ? committedPeers() : null;
        int changed = 0;
        for (ModelPeer peer : allPeers()) {
            if (!killed.name.equals(peer.lastNode())) {
                continue;
            }
            int index = peer.committedAtOutage();
            if (committed != null) {
                long[] row = committed.get(key(peer.torrentId(), peer.userId(), peer.peerId().toBytes()));
                index = row == null ? -1 : peer.indexOf(row[0], row[1], row[2], row[3]);
                if (row != null && index < 0) {
                    violations.add("node " + killed + " committed a state of peer " + peer.label() + " (uploaded "
                            + row[0] + ", downloaded " + row[1] + ", left " + row[2]
                            + ") that is none of the announces it recorded");
                }
            }
            changed += index < peer.lastIndex() ? 1 : 0;
            peer.rollBackTo(index);
        }
        return changed;
    }

    /** Every committed peer: uploaded, downloaded, left and last announce (epoch ms), by torrent, user and peer_id. */
    private Map<String, long[]> committedPeers() {
        Map<String, long[]> rows = new HashMap<>();
        cluster.database().query("""
                SELECT torrent_id, user_id, peer_id, uploaded, downloaded, bytes_left,
                       (extract(epoch FROM last_announce) * 1000)::bigint FROM peers""", row -> {
            rows.put(key(row.getLong(1), row.getLong(2), row.getBytes(3)),
                    new long[] {row.getLong(4), row.getLong(5), row.getLong(6), row.getLong(7)});
        });
        return rows;
    }

    private static String key(long torrentId, long userId, byte[] peerId) {
        return torrentId + "/" + userId + "/" + HexFormat.of().formatHex(peerId);
    }

    private List<ModelPeer> allPeers() {
        List<ModelPeer> peers = new ArrayList<>();
        clients.forEach(client -> peers.addAll(client.peers()));
        return peers;
    }

    /**
     * Honest users: credited exactly what the model says. Forgers: credited upload within the honest part plus the
     * upload ceiling times their active time and one interval; and the finding logged for each one that cheated
     * against a state the tracker held.
     */
    private void checkTotals() {
        JdbcTemplate database = cluster.database();
        Map<Long, long[]> credited = new HashMap<>();
        database.query("SELECT id, uploaded, downloaded FROM users", row -> {
            credited.put(row.getLong(1), new long[] {row.getLong(2), row.getLong(3)});
        });
        Map<Long, long[]> expected = new TreeMap<>();
        Map<Long, String> names = new HashMap<>();
        for (SimulatedClient client : clients) {
            if (client instanceof SimulatedClient.Honest) {
                long[] sums = expected.computeIfAbsent(client.identity.userId(), id -> new long[2]);
                names.put(client.identity.userId(), client.identity.label().replaceAll("/.*", ""));
                for (ModelPeer peer : client.peers()) {
                    sums[0] += peer.creditedUp();
                    sums[1] += peer.creditedDown();
                }
            }
        }
        expected.forEach((userId, sums) -> {
            long[] actual = credited.get(userId);
            if (actual[0] != sums[0] || actual[1] != sums[1]) {
                violations.add("user " + names.get(userId) + " credited uploaded " + actual[0] + ", downloaded "
                        + actual[1] + "; expected " + sums[0] + ", " + sums[1] + " (" + signed(actual[0] - sums[0])
                        + ", " + signed(actual[1] - sums[1]) + ")" + perTorrent(userId));
            }
        });
        for (SimulatedClient client : clients) {
            if (client instanceof SimulatedClient.Forger forger) {
                long honestPart = forger.peers().stream().mapToLong(ModelPeer::honestCreditedUp).sum();
                long activeMillis = forger.activeMillis(ACTIVE_GAP_CAP_MILLIS);
                long bound = honestPart + TrackerCluster.UPLOAD_CEILING
                        * (activeMillis + TrackerCluster.INTERVAL.toMillis()) / 1000;
                long actual = credited.get(forger.identity.userId())[0];
                if (actual > bound) {
                    violations.add("forger " + forger.identity.label() + " (" + forger.describe() + ") credited "
                            + actual + " bytes up; at most " + bound + " (honest " + honestPart + " + ceiling x ("
                            + activeMillis + " ms active + one interval))");
                }
            }
        }
        List<SimulatedClient> cheated = clients.stream().filter(client -> client.cheats() > 0).toList();
        TrackerCluster.within(Duration.ofSeconds(10), () -> cheated.stream().allMatch(c -> findingLogged(c, 0)));
        for (SimulatedClient client : cheated) {
            if (!findingLogged(client, 0)) {
                violations.add("no " + client.expectedFinding() + " finding for " + client.identity.label() + " ("
                        + client.cheats() + " announces recorded that cheat)");
            }
        }
    }

    /**
     * Seed points, paid with the bytes: each user's balance is the sum of what its torrents paid; an honest
     * user×torrent's points are its seed time at the cluster's rate (a point a second per byte of the torrent), to
     * the rounding of each flush; and that seed time lies within what the model's announces allow.
     */
    private void checkSeedPoints() {
        JdbcTemplate database = cluster.database();
        database.query("""
                SELECT u.id, u.seed_points, COALESCE(sum(h.seed_points), 0) FROM users u
                LEFT JOIN user_torrent_history h ON h.user_id = u.id GROUP BY u.id, u.seed_points""", row -> {
            if (row.getLong(2) != row.getLong(3)) {
                violations.add("user " + row.getLong(1) + " holds " + row.getLong(2) + " millionths of a point; its "
                        + "torrents paid " + row.getLong(3));
            }
        });
        Map<List<Long>, long[]> stored = new HashMap<>();
        database.query("""
                SELECT h.user_id, h.torrent_id, h.seed_time_ms, h.seed_points, t.size
                FROM user_torrent_history h JOIN torrents t ON t.id = h.torrent_id""", row -> {
            stored.put(List.of(row.getLong(1), row.getLong(2)),
                    new long[] {row.getLong(3), row.getLong(4), row.getLong(5)});
        });
        Map<List<Long>, long[]> model = new TreeMap<>(Comparator.comparing((List<Long> key) -> key.get(0))
                .thenComparing(key -> key.get(1)));
        for (SimulatedClient client : clients) {
            if (client instanceof SimulatedClient.Honest) {
                long[] bounds = model.computeIfAbsent(List.of(client.identity.userId(), client.identity.torrentId()),
                        key -> new long[3]);
                for (ModelPeer peer : client.peers()) {
                    long[] peerBounds = peer.seedTimeBounds(TrackerCluster.PEER_TIMEOUT.toMillis());
                    bounds[0] += peerBounds[0];
                    bounds[1] += peerBounds[1];
                    bounds[2] += peer.recordedCount();
                }
            }
        }
        model.forEach((key, bounds) -> {
            long[] row = stored.getOrDefault(key, new long[3]);
            long seedMillis = row[0];
            String who = "user " + key.get(0) + " on torrent " + key.get(1);
            if (seedMillis < bounds[0] || seedMillis > bounds[1]) {
                violations.add(who + ": seed time " + seedMillis + " ms; the announces allow " + bounds[0] + " to "
                        + bounds[1]);
            }
            long expected = row[2] * seedMillis * 1_000; // millionths: the torrent's size a second
            if (Math.abs(row[1] - expected) > bounds[2]) {
                violations.add(who + ": " + row[1] + " millionths of a point for " + seedMillis + " ms of seed time; "
                        + "expected " + expected + " (±" + bounds[2] + ")");
            }
        });
    }

    /** A user's history rows that differ from the model, per torrent, with the torrent's home node. */
    private String perTorrent(long userId) {
        Map<Long, long[]> expected = new TreeMap<>();
        for (SimulatedClient client : clients) {
            if (client.identity.userId() == userId) {
                long[] sums = expected.computeIfAbsent(client.identity.torrentId(), id -> new long[2]);
                for (ModelPeer peer : client.peers()) {
                    sums[0] += peer.creditedUp();
                    sums[1] += peer.creditedDown();
                }
            }
        }
        StringBuilder differences = new StringBuilder();
        cluster.database().query("""
                SELECT torrent_id, uploaded, downloaded, raw_uploaded, raw_downloaded, withheld_uploaded
                FROM user_torrent_history WHERE user_id = ?""",
                row -> {
                    long[] sums = expected.getOrDefault(row.getLong(1), new long[2]);
                    long up = row.getLong(2) - sums[0];
                    long down = row.getLong(3) - sums[1];
                    if (up != 0 || down != 0) {
                        differences.append("; torrent ").append(row.getLong(1)).append(" (home ")
                                .append(homes.get(row.getLong(1))).append("): ").append(signed(up)).append(", ")
                                .append(signed(down)).append(" (raw ").append(row.getLong(4)).append(", ")
                                .append(row.getLong(5)).append(", withheld ").append(row.getLong(6)).append(")");
                        for (SimulatedClient client : clients) {
                            if (client.identity.userId() == userId && client.identity.torrentId() == row.getLong(1)) {
                                client.peers().forEach(peer -> differences.append("; model ").append(peer.label())
                                        .append(':').append(peer.history()));
                            }
                        }
                        cluster.database().query("""
                                SELECT uploaded, downloaded, bytes_left, active, stopped, first_uploaded
                                FROM peers WHERE user_id = ? AND torrent_id = ?""", peer -> {
                            differences.append("; row ").append(peer.getLong(1)).append('/').append(peer.getLong(2))
                                    .append('/').append(peer.getLong(3)).append(peer.getBoolean(5) ? "S" : "")
                                    .append(" born ").append(peer.getLong(6));
                        }, userId, row.getLong(1));
                    }
                }, userId);
        return differences.toString();
    }

    private static String signed(long difference) {
        return (difference >= 0 ? "+" : "") + difference;
    }
}
