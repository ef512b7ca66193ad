package org.swarmkeeper.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient;
import org.swarmkeeper.support.Await;
import org.swarmkeeper.support.ReportingSession;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerProcess;

/**
 * PostgreSQL stopped in the middle of announces and started again: the tracker (a separate process) keeps
 * answering from memory, reports the ledger DOWN meanwhile, answers peers its full ledger has no room for
 * without recording them, writes everything once the database is back, and every user's totals equal the sum
 * of the counters the clients reported, also for what was reported just before a graceful stop (SIGTERM).
 */
class DatabaseOutageTest {

    private static final String TOKEN = "outage-token";

    @TempDir
    Path data;

    private EmbeddedPostgres postgres;
    private Process tracker;

    @AfterEach
    void stopEverything() throws IOException {
        if (tracker != null) {
            tracker.destroyForcibly();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private EmbeddedPostgres startPostgres(int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(data.resolve("postgres")).setCleanDataDirectory(false)
                .setPort(port).setServerConfig("synchronous_commit", "on").start();
    }

    @Test
    void announcesGoOnWhilePostgresIsDownAndEveryReportedByteIsWrittenWhenItReturns() throws Exception {
        int databasePort = TrackerProcess.reusablePort();
        postgres = startPostgres(databasePort);
        TrackerProcess.Ports ports = TrackerProcess.Ports.free();
        int port = ports.admin();
        tracker = TrackerProcess.start(ports, Path.of("target", "database-outage-tracker.log"),
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + databasePort + "/postgres",
                "--spring.datasource.username=postgres", "--spring.datasource.password=",
                "--spring.datasource.hikari.connection-timeout=1000", "--tracker.admin.token=" + TOKEN,
                "--tracker.ledger.flush-interval=200ms", "--tracker.announce.min-interval=0s",
                // Room for 5 of the 8 peers: the others are answered but not recorded while PostgreSQL is down.
                "--tracker.ledger.max-pending-peers=5");
        AdminClient admin = new AdminClient(port, TOKEN);
        List<ReportingSession> sessions = new ArrayList<>();
        int address = 1;
        for (int u = 0; u < 4; u++) {
            AdminClient.CreatedUser user = admin.createUser("outage-" + u);
            for (int t = 0; t < 2; t++) {
                byte[] hash = new byte[20];
                ThreadLocalRandom.current().nextBytes(hash);
                admin.registerTorrent(HexFormat.of().formatHex(hash), 1L << 40);
                ReportingSession session = new ReportingSession(user.id(), new TestClient(ports.tracker(), user.passkey(),
                        InfoHash.of(hash), "-TR3000-", "127.0.4." + address++), 1L << 40);
                session.announce(AnnounceEvent.STARTED);
                sessions.add(session);
            }
        }

        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicLong answeredWhileDown = new AtomicLong();
        AtomicLong notRecorded = new AtomicLong();
        AtomicBoolean databaseDown = new AtomicBoolean();
        ExecutorService load = Executors.newFixedThreadPool(sessions.size());
        for (ReportingSession session : sessions) {
            load.submit(() -> {
                while (loading.get()) {
                    session.transfer(100_000);
                    var answer = session.announce(AnnounceEvent.NONE);
                    if (databaseDown.get() && !answer.has("failure reason") && answer.has("interval")) {
                        answeredWhileDown.incrementAndGet();
                    }
                    if (answer.has("warning message") && answer.text("warning message").contains("not recorded")) {
                        notRecorded.incrementAndGet();
                    }
                }
            });
        }
        // The started announces carry no traffic: credit in PostgreSQL is the load's, flushed while it goes on.
        JdbcTemplate beforeOutage = new JdbcTemplate(postgres.getPostgresDatabase());
        Await.until("a flush of the load's credit", Duration.ofSeconds(30),
                () -> beforeOutage.queryForObject("SELECT sum(uploaded) FROM users", Long.class) > 0);
        postgres.close(); // PostgreSQL stops under load
        databaseDown.set(true);
        Await.until("the ledger reported DOWN", Duration.ofSeconds(15), () -> ledgerHealth(port).contains("\"DOWN\""));
        Await.until("announces answered from memory while PostgreSQL is down", Duration.ofSeconds(15),
                () -> answeredWhileDown.get() > 0);
        Await.until("announces of peers the full ledger has no room for", Duration.ofSeconds(15),
                () -> notRecorded.get() > 0);
        databaseDown.set(false);

        postgres = startPostgres(databasePort);
        Await.until("the ledger is UP again", Duration.ofSeconds(30), () -> ledgerHealth(port).contains("\"UP\""));
        loading.set(false);
        load.shutdown();
        assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        for (ReportingSession session : sessions) {
            session.announce(AnnounceEvent.NONE);
            session.announce(AnnounceEvent.STOPPED);
        }
        // A flush right after the outage may still fail on a connection the pool kept from before it; the
        // stopped announces are then answered at once, and the ledger writes them at its next try.
        Await.until("every reported byte is written", Duration.ofSeconds(10), () -> {
            try {
                ReportingSession.assertCreditedExactly(admin, sessions);
                return true;
            } catch (AssertionError notYet) {
                return false;
            }
        });
        ReportingSession.assertCreditedExactly(admin, sessions);

        // Graceful stop: traffic reported just before SIGTERM is written before the process exits.
        // A plain announce is not awaited: its credit is in memory when SIGTERM comes (unless a periodic flush
        // happened to take it first).
        for (ReportingSession session : sessions) {
            session.announce(AnnounceEvent.STARTED); // back after its stop: no upload is credited across one
            session.transfer(100_000);
            session.announce(AnnounceEvent.NONE);
        }
        tracker.destroy();
        assertThat(tracker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        JdbcTemplate database = new JdbcTemplate(postgres.getPostgresDatabase());
        ReportingSession.assertCreditedExactly(userId -> database.queryForObject(
                "SELECT uploaded, downloaded FROM users WHERE id = ?",
                (rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)}, userId), sessions);
    }

    /** {@code /actuator/health/ledger}: the ledger's own status. */
    private static String ledgerHealth(int port) {
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/health/ledger")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return answer.body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
