package org.swarmkeeper.support;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.swarmkeeper.front.ClientServer;
import org.swarmkeeper.accounting.Ledger;
import org.swarmkeeper.policy.ScheduledRules;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;

/**
 * The tracker as it runs: real HTTP on random ports (the admin API on {@link #port}, BitTorrent clients on
 * {@link #trackerPort}), real PostgreSQL ({@link TestDatabase}). Tests share the database, so each creates its own
 * users and torrents.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"tracker.admin.token=" + TrackerIntegrationTest.ADMIN_TOKEN, "tracker.port=0",
                // Tests run the scheduled rules themselves (evaluatePolicy), at the moments they choose.
                "tracker.policy.evaluate-interval=1d",
                // Likewise the reaper and the idle-torrent check: on a clock the tests move by hours, a scheduled
                // run would land at random.
                "tracker.swarm.reap-interval=1d", "tracker.economy.seed-points.idle-check-interval=1d",
                // Reseed requests would ask users of one test to seed the torrents of another, days of test clock on.
                "tracker.reseed.enabled=false",
                // The test clock rarely moves: without this, malformed-passkey tests would use up 127.0.0.1's allowance.
                "tracker.abuse.unknown-passkeys-per-address=1000000", "tracker.abuse.scrapes-per-passkey=1000000"})
@Import(TestTimeConfiguration.class)
public abstract class TrackerIntegrationTest {

    public static final String ADMIN_TOKEN = "test-admin-token";
    private static final AtomicInteger NAMES = new AtomicInteger();

    /** The admin API, the dashboard and Actuator (Tomcat). */
    @LocalServerPort
    protected int port;

    /** Announces and scrapes. */
    protected int trackerPort;

    @Autowired
    private ClientServer clientServer;

    @Autowired
    protected JdbcTemplate jdbc;

    @Autowired
    protected MutableClock clock;

    @Autowired
    private Ledger ledger;

    @Autowired
    private ScheduledRules scheduledRules;

    @Autowired
    private MeterRegistry meters;

    protected AdminClient admin;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registerDatabase(registry);
    }

    public static void registerDatabase(DynamicPropertyRegistry registry) {
        TestDatabase.Connection db = TestDatabase.get();
        registry.add("spring.datasource.url", db::url);
        registry.add("spring.datasource.username", db::username);
        registry.add("spring.datasource.password", db::password);
    }

    @BeforeEach
    void connectAdmin() {
        admin = new AdminClient(port, ADMIN_TOKEN);
        trackerPort = clientServer.port();
    }

    protected AdminClient.CreatedUser newUser() {
        return admin.createUser("user" + NAMES.incrementAndGet() + "-" + ThreadLocalRandom.current().nextInt(1_000_000));
    }

    protected InfoHash newTorrent(long size) {
        byte[] hash = new byte[20];
        ThreadLocalRandom.current().nextBytes(hash);
        String hex = HexFormat.of().formatHex(hash);
        admin.registerTorrent(hex, size);
        return InfoHash.fromHex(hex);
    }

    protected TestClient client(AdminClient.CreatedUser user, InfoHash torrent, String peerIdPrefix, String from) {
        return new TestClient(trackerPort, user.passkey(), torrent, peerIdPrefix, from);
    }

    /**
     * {@code user} downloads the whole of {@code torrent} ({@code size} bytes) from {@code from} in half an hour of
     * the test clock, completes and leaves: a snatch not seeded.
     */
    protected void snatchAndLeave(AdminClient.CreatedUser user, InfoHash torrent, long size, String from) {
        TestClient client = client(user, torrent, "-qB4520-", from);
        client.announce(0, 0, size, AnnounceEvent.STARTED);
        clock.advance(Duration.ofMinutes(30));
        client.announce(0, size, 0, AnnounceEvent.COMPLETED);
        client.announce(0, size, 0, AnnounceEvent.STOPPED);
    }

    /**
     * Runs ratio watch and hit-and-run as the schedule would (pending credit written first), once this node gets
     * the evaluation lock: the schedule's own run when a context starts holds it for a moment.
     */
    protected void evaluatePolicy() {
        Await.until("this node to take the evaluation lock", Duration.ofSeconds(10), scheduledRules::evaluate);
    }

    /**
     * Records {@code client}'s peer in PostgreSQL as another node would have, a minute ago, seeding with
     * {@code uploaded} as its committed baseline; this node holds no swarm for the torrent yet.
     */
    protected void recordPeerElsewhere(AdminClient.CreatedUser user, TestClient client, long uploaded) {
        Timestamp minuteAgo = new Timestamp(clock.millis() - 60_000);
        jdbc.update("""
                INSERT INTO peers (torrent_id, user_id, peer_id, peer_key, ipv4, port4, uploaded, downloaded,
                                   bytes_left, seeding, partial_seed, user_agent, first_announce, last_announce, active)
                SELECT id, ?, ?, NULL, ?::inet, ?, ?, 0, 0, true, false, 'elsewhere', ?, ?, true
                FROM torrents WHERE info_hash = ?
                """, user.id(), client.peerId().toBytes(), client.address(), client.port(), uploaded, minuteAgo,
                minuteAgo, client.infoHash().toBytes());
    }

    /** Writes everything the ledger holds now. */
    protected void flushLedger() {
        try {
            ledger.durable().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("ledger flush failed", e);
        }
    }

    /** How many times the policy decided {@code outcome} by {@code rule}. */
    protected double decisions(String rule, String outcome) {
        Counter counter = meters.find("tracker.policy.decisions").tag("rule", rule).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The user's decision log, newest first, as {@code rule/outcome/code: message}. */
    protected List<String> events(long userId) {
        List<String> lines = new ArrayList<>();
        admin.get("/api/users/" + userId + "/events").json().forEach(event -> lines.add(event.get("rule").asString()
                + "/" + event.get("outcome").asString() + "/" + event.get("code").asString() + ": "
                + event.get("message").asString()));
        return lines;
    }

    protected long userColumn(long userId, String column) {
        return jdbc.queryForObject("SELECT " + column + " FROM users WHERE id = ?", Long.class, userId);
    }
}
