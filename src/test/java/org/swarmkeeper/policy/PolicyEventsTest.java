package org.swarmkeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Await;
import org.swarmkeeper.support.TrackerIntegrationTest;

/** The decision log as its readers see it. */
class PolicyEventsTest extends TrackerIntegrationTest {

    private static final Decision PORT_80 = Decision.denied("port", "port_blocked",
            "port 80 is not allowed: configure your client to listen on another port");

    @Autowired
    PolicyEvents events;

    @Autowired
    DataSource dataSource;

    @Test
    void aReadWaitsForTheFlushUnderWayAndSeesWhatItWrites() throws Exception {
        CreatedUser user = newUser();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CompletableFuture<Thread> readerThread = new CompletableFuture<>();
        Future<List<PolicyEvents.Event>> read;
        try (Connection holder = dataSource.getConnection(); Statement statement = holder.createStatement()) {
            holder.setAutoCommit(false);
            // Writes to the log wait behind this lock until it is released; reads do not.
            statement.execute("LOCK TABLE policy_events IN SHARE MODE");
            events.recordLater(user.id(), null, PORT_80, clock.millis());
            threads.execute(events::flush); // this flush or the scheduled one takes the decision, and waits
            Await.until("a flush holding the decision to wait for the table", Duration.ofSeconds(10),
                    this::aWriteWaitsForTheLog);
            read = threads.submit(() -> {
                readerThread.complete(Thread.currentThread());
                return events.forUser(user.id(), 10);
            });
            Thread reader = readerThread.get(10, TimeUnit.SECONDS);
            Await.until("the read to return or to wait for that flush", Duration.ofSeconds(10),
                    () -> read.isDone() || waitsToFlush(reader));
            holder.rollback();
        } finally {
            threads.shutdown();
        }
        assertThat(read.get(10, TimeUnit.SECONDS)).extracting(PolicyEvents.Event::code).containsExactly("port_blocked");
    }

    private boolean aWriteWaitsForTheLog() {
        return jdbc.queryForObject("SELECT count(*) FROM pg_locks WHERE relation = 'policy_events'::regclass"
                + " AND NOT granted", Long.class) > 0;
    }

    private static boolean waitsToFlush(Thread thread) {
        return thread.getState() == Thread.State.WAITING && Arrays.stream(thread.getStackTrace()).anyMatch(
                frame -> frame.getClassName().equals(PolicyEvents.class.getName())
                        && frame.getMethodName().equals("flush"));
    }
}
