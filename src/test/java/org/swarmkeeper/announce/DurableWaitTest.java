package org.swarmkeeper.announce;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.swarmkeeper.front.ClientServer;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient;
import org.swarmkeeper.support.Await;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.StandaloneTracker;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TestDatabase;

/**
 * A {@code started}, {@code stopped} or {@code completed} whose flush cannot commit within
 * {@code tracker.ledger.durable-wait} is answered with a warning, and recorded all the same once the flush commits.
 */
class DurableWaitTest {

    private static final String TOKEN = "durable-wait-token";

    @Test
    void aStoppedWhoseFlushCannotCommitInTimeIsAnsweredWithAWarningAndCreditedLater() throws Exception {
        TestDatabase.Connection db = TestDatabase.get();
        try (ConfigurableApplicationContext tracker =
                     StandaloneTracker.start(db, TOKEN, "--tracker.ledger.durable-wait=1s")) {
            AdminClient admin = new AdminClient(StandaloneTracker.adminPort(tracker), TOKEN);
            AdminClient.CreatedUser user =
                    admin.createUser("durable-" + ThreadLocalRandom.current().nextInt(1_000_000));
            byte[] hash = new byte[20];
            ThreadLocalRandom.current().nextBytes(hash);
            admin.registerTorrent(HexFormat.of().formatHex(hash), 1_000);
            TestClient seeder = new TestClient(tracker.getBean(ClientServer.class).port(), user.passkey(),
                    InfoHash.of(hash), "-TR3000-", "127.0.0.97");
            seeder.announce(0, 0, 0, AnnounceEvent.STARTED); // its swarm in memory: only the flush is left to wait for
            JdbcTemplate database =
                    new JdbcTemplate(new DriverManagerDataSource(db.url(), db.username(), db.password()));

            Bencode answered;
            try (Connection blocker = DriverManager.getConnection(db.url(), db.username(), db.password());
                 Statement statement = blocker.createStatement()) {
                blocker.setAutoCommit(false);
                statement.execute("LOCK TABLE peers IN EXCLUSIVE MODE"); // the flush that records it waits here
                answered = seeder.announce(800, 0, 0, AnnounceEvent.STOPPED);
                assertThat(database.queryForObject("SELECT uploaded FROM users WHERE id = ?", Long.class, user.id()))
                        .as("not committed while the flush waits").isZero();
                blocker.rollback();
            }

            assertThat(answered.has("failure reason")).isFalse();
            assertThat(answered.text("warning message")).isEqualTo(AnnounceService.DURABILITY_WARNING);
            Await.until("the flush to commit once the lock is gone", Duration.ofSeconds(30), () -> database
                    .queryForObject("SELECT uploaded FROM users WHERE id = ?", Long.class, user.id()) == 800);
        }
    }
}
