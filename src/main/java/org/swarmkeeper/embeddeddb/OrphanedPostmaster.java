package org.swarmkeeper.embeddeddb;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tracker killed with {@code kill -9} leaves its embedded PostgreSQL running, and that postmaster would stop
 * the next start from using the data directory. The embedded PostgreSQL library holds a file lock in the data
 * directory while its JVM lives: if we can take that lock, its owner is dead and any postmaster still serving
 * the directory is an orphan, which is shut down cleanly before a new one starts.
 */
final class OrphanedPostmaster {

    private static final Logger log = LoggerFactory.getLogger(OrphanedPostmaster.class);
    private static final String OWNER_LOCK = "epg-lock";

    private OrphanedPostmaster() {
    }

    static void stopIfLeftBehind(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dataDirectory.resolve(OWNER_LOCK),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            if (lock == null) {
                throw new IllegalStateException("Another running Swarmkeeper uses " + dataDirectory
                        + "; stop it or set tracker.embedded-db.data-directory");
            }
            Optional<ProcessHandle> postmaster = postmaster(pidFile);
            if (postmaster.isPresent()) {
                stop(postmaster.get());
            }
        }
    }

    private static Optional<ProcessHandle> postmaster(Path pidFile) throws IOException {
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty() || !lines.get(0).trim().matches("\\d+")) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
    }

    private static void stop(ProcessHandle postmaster) {
        log.warn("Found an embedded PostgreSQL (pid {}) left running by a previous tracker that was killed; "
                + "shutting it down before starting a new one", postmaster.pid());
        postmaster.destroy(); // SIGTERM: PostgreSQL's smart shutdown; its clients died with the old JVM
        try {
            postmaster.onExit().get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            log.warn("Orphaned PostgreSQL did not stop within 30 s; killing it (it will recover at start)");
            postmaster.destroyForcibly();
            postmaster.onExit().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping an orphaned PostgreSQL", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not wait for the orphaned PostgreSQL to stop", e);
        }
    }
}
