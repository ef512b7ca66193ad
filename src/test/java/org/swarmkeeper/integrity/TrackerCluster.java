package org.swarmkeeper.integrity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.jdbc.core.JdbcTemplate;
import org.swarmkeeper.support.AdminClient;
import org.swarmkeeper.support.Await;
import org.swarmkeeper.support.TrackerProcess;

/**
 * Two tracker processes on one embedded PostgreSQL, each reaching it through its own {@link CommitCuttingProxy}.
 * A node can be killed with SIGKILL and started again (on the same port and proxy), PostgreSQL stopped and started
 * (same data directory and port), and a node's next ledger commit can lose its acknowledgement. Timing knobs are
 * small so that a run takes seconds: flushes every 200 ms, a 2 s announce interval and no {@code min interval}, a
 * 6 s peer timeout reaped every second, an upload ceiling of 1 MiB/s.
 */
final class TrackerCluster implements AutoCloseable {

    static final String TOKEN = "integrity-token";
    static final Duration INTERVAL = Duration.ofSeconds(2);
    static final Duration PEER_TIMEOUT = Duration.ofSeconds(6);
    /** Points an hour per GiB seeded: 3,600 per byte, one a second. */
    static final long SEED_POINTS_FLAT = 3_600L << 30;
    static final long UPLOAD_CEILING = 1L << 20;
    /** The table only the ledger's flush writes in a transaction: the commit to cut is one of its flushes. */
    private static final String LEDGER_TABLE = "user_torrent_history";

    /** One tracker process, the proxy it reaches PostgreSQL through, and its ledger's size. */
    final class Node {

        final String name;
        final TrackerProcess.Ports ports;
        /** Where its clients announce. */
        final int trackerPort;
        final AdminClient admin;
        private final CommitCuttingProxy proxy;
        private final int maxPendingPeers;
        private Process process;

        private Node(String name, int maxPendingPeers) throws IOException {
            this.name = name;
            this.ports = TrackerProcess.Ports.reusable();
            this.trackerPort = ports.tracker();
            this.admin = new AdminClient(ports.admin(), TOKEN);
            this.proxy = new CommitCuttingProxy(databasePort, LEDGER_TABLE);
            this.maxPendingPeers = maxPendingPeers;
        }

        boolean alive() {
            return process != null;
        }

        int maxPendingPeers() {
            return maxPendingPeers;
        }

        void start() throws IOException, InterruptedException {
            process = TrackerProcess.start(ports, logs.resolve("node-" + name.toLowerCase() + ".log"),
                    "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + proxy.port()
                            + "/postgres?sslmode=disable&gssEncMode=disable",
                    "--spring.datasource.username=postgres", "--spring.datasource.password=",
                    "--spring.datasource.hikari.connection-timeout=1000", "--tracker.admin.token=" + TOKEN,
                    "--tracker.ledger.flush-interval=200ms", "--tracker.ledger.durable-wait=2s",
                    "--tracker.ledger.max-pending-peers=" + maxPendingPeers,
                    "--tracker.announce.interval=" + INTERVAL.toSeconds() + "s",
                    "--tracker.announce.interval-jitter=0", "--tracker.announce.min-interval=0s",
                    // Active time per gap: the interval and as much again, as the model counts it.
                    "--tracker.announce.interval-tolerance=" + INTERVAL.toSeconds() + "s",
                    "--tracker.swarm.peer-timeout=" + PEER_TIMEOUT.toSeconds() + "s", "--tracker.swarm.reap-interval=1s",
                    "--tracker.cheat.upload-ceiling=" + UPLOAD_CEILING + "B",
                    // Steps move kilobytes: any download growth while complete is the forgery the model plays.
                    "--tracker.cheat.complete-download-slack=0B",
                    "--tracker.policy.max-peers-per-torrent=8",
                    // A point a second per byte of the torrent, whatever the seeders and seed time: the model's
                    // oracle for points is then the seed time, which it bounds by the announces' times.
                    "--tracker.economy.seed-points.flat=" + SEED_POINTS_FLAT,
                    "--tracker.economy.seed-points.scarcity=0");
        }

        /**
         * SIGKILL. Returns once PostgreSQL has ended every session of the dead process, so that whatever it had
         * sent is committed or rolled back before anyone reads what it left.
         */
        void kill() throws InterruptedException {
            process.destroyForcibly().waitFor();
            process = null;
            Await.until("PostgreSQL ended the sessions of killed node " + name, Duration.ofSeconds(30), proxy::idle);
        }

        /** Arms the proxy: the next ledger commit of this node reaches PostgreSQL, its acknowledgement does not. */
        CompletableFuture<Void> cutNextCommit() {
            return proxy.cutNextCommit();
        }

        void disarm() {
            proxy.disarm();
        }

        /** Nothing waits in this node's ledger: every recorded announce is committed (or the node is dead). */
        boolean ledgerSettled() {
            if (!alive()) {
                return true;
            }
            try {
                String metrics = admin.text("/actuator/prometheus");
                return metric(metrics, "tracker_ledger_pending") == 0
                        && metric(metrics, "tracker_ledger_lag_seconds") == 0;
            } catch (UncheckedIOException | AssertionError notAnswering) {
                return false;
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final Path dataDirectory;
    private final Path logs;
    private final int databasePort;
    private final Node a;
    private final Node b;
    private EmbeddedPostgres postgres;

    /** PostgreSQL running, neither node started yet; node {@code smallLedger} gets {@code maxPendingPeers}. */
    TrackerCluster(Path dataDirectory, Path logs, String smallLedger, int maxPendingPeers) throws IOException {
        this.dataDirectory = dataDirectory;
        this.logs = logs;
        this.databasePort = TrackerProcess.reusablePort();
        startPostgres();
        this.a = new Node("A", "A".equals(smallLedger) ? maxPendingPeers : 2_000_000);
        this.b = new Node("B", "B".equals(smallLedger) ? maxPendingPeers : 2_000_000);
    }

    List<Node> nodes() {
        return List.of(a, b);
    }

    Node node(String name) {
        return "A".equals(name) ? a : b;
    }

    Node other(Node node) {
        return node == a ? b : a;
    }

    boolean postgresUp() {
        return postgres != null;
    }

    void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false)
                .setPort(databasePort).setServerConfig("synchronous_commit", "on").start();
    }

    void stopPostgres() throws IOException {
        postgres.close();
        postgres = null;
    }

    /** Straight to PostgreSQL, not through a proxy. */
    JdbcTemplate database() {
        return new JdbcTemplate(postgres.getPostgresDatabase());
    }

    /** Waits until no live node's ledger holds anything uncommitted; false if that took longer than the limit. */
    boolean awaitLedgersSettled(Duration limit) {
        return within(limit, () -> a.ledgerSettled() && b.ledgerSettled());
    }

    /** Polls a condition with {@link Await} until it holds or the limit passes; whether it held. */
    static boolean within(Duration limit, BooleanSupplier condition) {
        try {
            Await.until("condition", limit, condition);
            return true;
        } catch (AssertionError notWithinLimit) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        for (Node node : nodes()) {
            if (node.process != null) {
                node.process.destroyForcibly();
            }
            node.proxy.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /** A sample's value in Prometheus' text format ({@code name value}, no labels). */
    private static double metric(String metrics, String name) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no metric " + name);
    }
}
