package org.swarmkeeper.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;

/** Shutdown waits for announces the valve is answering, between graceful shutdown and the web server's stop. */
class TrackerRequestsTest {

    private final TrackerRequests requests = new TrackerRequests();

    @Test
    void stopWaitsForTheAnswersInFlight() throws Exception {
        requests.start();
        requests.begin();
        requests.begin();
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(requests::stop);
        Thread.sleep(200);
        assertThat(stopping).isNotDone();
        requests.end();
        Thread.sleep(100);
        assertThat(stopping).as("one answer still being written").isNotDone();
        requests.end();
        stopping.get(1, TimeUnit.SECONDS);
        assertThat(requests.isRunning()).isFalse();
    }

    @Test
    void stopsAtOnceWhenNothingIsInFlight() throws Exception {
        requests.start();
        CompletableFuture.runAsync(requests::stop).get(200, TimeUnit.MILLISECONDS);
    }

    /** Spring Boot 4.1's servlet WebServerStartStopLifecycle (not public) stops in this phase. */
    private static final int WEB_SERVER_STOP_PHASE = Integer.MAX_VALUE - 2048;

    @Test
    void itsPhaseLiesBetweenGracefulShutdownAndTheWebServersStop() {
        // Higher phases stop first: graceful shutdown, then this, then the web server.
        assertThat(TrackerRequests.PHASE).isLessThan(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE)
                .isGreaterThan(WEB_SERVER_STOP_PHASE);
    }
}
