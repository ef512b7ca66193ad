package org.swarmkeeper.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient;
import org.swarmkeeper.support.ReportingSession;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerProcess;

/**
 * The tracker as a separate process on its own embedded PostgreSQL, killed with SIGKILL while clients announce
 * and flushes run. After a restart (which must find and stop the PostgreSQL the killed tracker left running),
 * every user's totals equal the sum of the deltas the clients reported: nothing lost, nothing counted twice.
 * A second tracker pointed at the same data directory meanwhile is refused.
 */
class CrashRecoveryTest {

    private static final String TOKEN = "crash-token";
    private static final String SEED_PROPERTY = "swarmkeeper.crash-seed";

    @TempDir
    Path dataDirectory;

    private Process tracker;

    @Test
    void killedTrackerLosesNoCreditAndCountsNothingTwice() throws Exception {
        // SIGKILL after a number of answered announces, drawn each run from a seed that a failure names.
        long seed = Long.getLong(SEED_PROPERTY, ThreadLocalRandom.current().nextLong());
        int killAfter = 200 + new Random(seed).nextInt(3_000);
        TrackerProcess.Ports ports = TrackerProcess.Ports.reusable();
        tracker = startTracker(ports);
        AdminClient admin = new AdminClient(ports.admin(), TOKEN);
        List<AdminClient.CreatedUser> users = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            users.add(admin.createUser("crash-user-" + i));
        }
        List<InfoHash> torrents = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            byte[] hash = new byte[20];
            ThreadLocalRandom.current().nextBytes(hash);
            admin.registerTorrent(HexFormat.of().formatHex(hash), 1L << 40);
            torrents.add(InfoHash.of(hash));
        }
        List<ReportingSession> sessions = new ArrayList<>();
        int address = 100;
        for (AdminClient.CreatedUser user : users) {
            for (InfoHash torrent : torrents) {
                ReportingSession session = new ReportingSession(user.id(),
                        new TestClient(ports.tracker(), user.passkey(), torrent, "-TR3000-", "127.0.0." + address++), 1L << 40);
                session.announce(AnnounceEvent.STARTED);
                sessions.add(session);
            }
        }

        AtomicBoolean loading = new AtomicBoolean(true);
        CountDownLatch answered = new CountDownLatch(killAfter);
        ExecutorService load = Executors.newFixedThreadPool(sessions.size());
        for (ReportingSession session : sessions) {
            load.submit(() -> {
                while (loading.get()) {
                    // Like a real client: counters only grow, and are reported whether or not the last try got through.
                    session.transfer(100_000);
                    try {
                        session.announce(AnnounceEvent.NONE);
                        answered.countDown();
                    } catch (RuntimeException trackerDied) {
                        return;
                    }
                }
            });
        }
        assertThat(answered.await(2, TimeUnit.MINUTES)).as(killAfter + " answered announces").isTrue();
        tracker.destroyForcibly().waitFor(); // SIGKILL, in the middle of announces and flushes
        loading.set(false);
        load.shutdown();
        assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(orphanedPostmaster()).as("the killed tracker left its PostgreSQL running").isPresent();

        tracker = startTracker(ports);
        assertSecondTrackerOnTheSameDataIsRefused();
        for (ReportingSession session : sessions) {
            session.announce(AnnounceEvent.NONE);
            session.announce(AnnounceEvent.STOPPED);
        }
        try {
            ReportingSession.assertCreditedExactly(admin, sessions);
        } catch (AssertionError e) {
            throw new AssertionError("SIGKILL after " + killAfter + " answered announces (-D" + SEED_PROPERTY + "="
                    + seed + " draws the same count)", e);
        }

        tracker.destroy(); // SIGTERM: graceful, the tracker stops its PostgreSQL
        assertThat(tracker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(orphanedPostmaster()).as("a graceful stop leaves no PostgreSQL behind").isEmpty();
    }

    private void assertSecondTrackerOnTheSameDataIsRefused() throws IOException, InterruptedException {
        Path log = Path.of("target", "crash-recovery-second-tracker.log");
        Process second = TrackerProcess.launch(TrackerProcess.Ports.free(), log, trackerArguments());
        assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).isNotZero();
        assertThat(Files.readString(log)).contains("Another running Swarmkeeper uses");
        assertThat(tracker.isAlive()).isTrue();
    }

    @AfterEach
    void stopEverything() {
        if (tracker != null && tracker.isAlive()) {
            tracker.destroyForcibly();
        }
        orphanedPostmaster().ifPresent(ProcessHandle::destroyForcibly);
    }

    private Process startTracker(TrackerProcess.Ports ports) throws IOException, InterruptedException {
        return TrackerProcess.start(ports, Path.of("target", "crash-recovery-tracker.log"), trackerArguments());
    }

    private String[] trackerArguments() {
        return new String[] {"--tracker.admin.token=" + TOKEN,
                "--tracker.embedded-db.data-directory=" + dataDirectory.resolve("postgres"),
                "--tracker.ledger.flush-interval=100ms"};
    }

    private Optional<ProcessHandle> orphanedPostmaster() {
        try {
            Path pid = dataDirectory.resolve("postgres").resolve("postmaster.pid");
            if (!Files.exists(pid)) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(Files.readAllLines(pid).get(0).trim())).filter(ProcessHandle::isAlive);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
