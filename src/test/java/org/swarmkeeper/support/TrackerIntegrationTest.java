package org.swarmkeeper.support;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.swarmkeeper.protocol.InfoHash;

/**
 * The tracker as it runs: real HTTP on a random port, real PostgreSQL ({@link TestDatabase}). Tests share
 * the database, so each creates its own users and torrents.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "tracker.admin.token=" + TrackerIntegrationTest.ADMIN_TOKEN)
@Import(TrackerIntegrationTest.TestTime.class)
public abstract class TrackerIntegrationTest {

    /** Time moves only when a test advances it: announces, seed time, ratio watch and hit-and-run all follow. */
    @TestConfiguration(proxyBeanMethods = false)
    static class TestTime {

        @Bean
        @Primary
        MutableClock mutableClock() {
            return new MutableClock();
        }
    }

    public static final String ADMIN_TOKEN = "test-admin-token";
    private static final AtomicInteger NAMES = new AtomicInteger();

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcTemplate jdbc;

    @Autowired
    protected MutableClock clock;

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
        return new TestClient(port, user.passkey(), torrent, peerIdPrefix, from);
    }

    protected long userColumn(long userId, String column) {
        return jdbc.queryForObject("SELECT " + column + " FROM users WHERE id = ?", Long.class, userId);
    }
}
