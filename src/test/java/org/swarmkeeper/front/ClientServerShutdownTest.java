package org.swarmkeeper.front;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient;
import org.swarmkeeper.support.Await;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.StandaloneTracker;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TestDatabase;

/** A graceful stop answers the announce that waits for its flush, and that flush commits, before the tracker ends. */
class ClientServerShutdownTest {

    private static final String TOKEN = "shutdown-token";

    @Test
    void aStoppedWaitingForItsFlushWhenTheStopBeginsIsAnsweredAndDurable() throws Exception {
        TestDatabase.Connection db = TestDatabase.get();
        ConfigurableApplicationContext tracker =
                StandaloneTracker.start(db, TOKEN, "--tracker.ledger.durable-wait=60s");
        ClientServer clients = tracker.getBean(ClientServer.class);
        MeterRegistry meters = tracker.getBean(MeterRegistry.class);
        AdminClient admin = new AdminClient(StandaloneTracker.adminPort(tracker), TOKEN);
        AdminClient.CreatedUser user = admin.createUser("shutdown-" + ThreadLocalRandom.current().nextInt(1_000_000));
        byte[] hash = new byte[20];
        ThreadLocalRandom.current().nextBytes(hash);
        admin.registerTorrent(HexFormat.of().formatHex(hash), 1_000);
        TestClient seeder = new TestClient(clients.port(), user.passkey(), InfoHash.of(hash), "-TR3000-", "127.0.0.96");
        seeder.announce(0, 0, 0, AnnounceEvent.STARTED); // its swarm in memory: only the flush is left to wait for
        double handedOff = meters.counter("tracker.front.handed.off").count();

        CompletableFuture<Bencode> answer;
        CompletableFuture<Void> stopped;
        ExecutorService threads = Executors.newFixedThreadPool(2); // the client's, and the one that stops the tracker
        try (Connection blocker = DriverManager.getConnection(db.url(), db.username(), db.password());
             Statement statement = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            statement.execute("LOCK TABLE peers IN EXCLUSIVE MODE"); // the flush that records it waits here
            answer = CompletableFuture.supplyAsync(() -> seeder.announce(500, 0, 0, AnnounceEvent.STOPPED),
                    threads);
            Await.until("the stopped announce waiting on a worker", Duration.ofSeconds(30),
                    () -> meters.counter("tracker.front.handed.off").count() > handedOff);
            stopped = CompletableFuture.runAsync(tracker::close, threads);
            Await.until("the stop to begin", Duration.ofSeconds(30), () -> !clients.isRunning());
            assertThat(answer).as("unanswered while its flush cannot commit").isNotDone();
            blocker.rollback();
        }

        Bencode answered = answer.get(60, TimeUnit.SECONDS);
        assertThat(answered.has("failure reason")).isFalse();
        assertThat(answered.has("warning message")).as("answered once durable, not with a warning").isFalse();
        stopped.get(60, TimeUnit.SECONDS);
        threads.shutdown();
        JdbcTemplate database = new JdbcTemplate(new DriverManagerDataSource(db.url(), db.username(), db.password()));
        assertThat(database.queryForObject("SELECT uploaded FROM users WHERE id = ?", Long.class, user.id()))
                .as("its upload, committed before the tracker ended").isEqualTo(500);
    }
}
