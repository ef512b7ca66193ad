package org.swarmkeeper.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;

/** Shutdown waits for announces the valve is answering, between graceful shutdown and the web server's stop. */
class InFlightRequestsTest {

    private final InFlightRequests requests = new InFlightRequests();

    @Test
    void stopWaitsForTheAnswersInFlight() throws Exception {
        requests.start();
        requests.begin();
        requests.begin();
        Thread stopping = stopping();
        assertThat(waitingOrReturned(stopping)).as("stop() waits").isEqualTo(Thread.State.TIMED_WAITING);
        requests.end();
        assertThat(stopping.isAlive()).as("one answer still being written").isTrue();
        requests.end();
        // Woken by the last answer, well before its own limit (10 s) would end the wait.
        stopping.join(5_000);
        assertThat(stopping.isAlive()).as("stop() returned").isFalse();
        assertThat(requests.isRunning()).isFalse();
    }

    @Test
    void stopsAtOnceWhenNothingIsInFlight() {
        requests.start();
        assertThat(waitingOrReturned(stopping())).as("stop() returned without waiting")
                .isEqualTo(Thread.State.TERMINATED);
    }

    private Thread stopping() {
        Thread stopping = new Thread(requests::stop, "stopping");
        stopping.start();
        return stopping;
    }

    /** What {@code thread} comes to first: waiting (stop() waits only with a time limit), or having returned. */
    private static Thread.State waitingOrReturned(Thread thread) {
        return await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .until(thread::getState, state -> state == Thread.State.TIMED_WAITING
                        || state == Thread.State.TERMINATED);
    }

    /** Spring Boot 4.1's servlet WebServerStartStopLifecycle (not public) stops in this phase. */
    private static final int WEB_SERVER_STOP_PHASE = Integer.MAX_VALUE - 2048;

    @Test
    void itsPhaseLiesBetweenGracefulShutdownAndTheWebServersStop() {
        // Higher phases stop first: graceful shutdown, then this, then the web server.
        assertThat(InFlightRequests.PHASE).isLessThan(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE)
                .isGreaterThan(WEB_SERVER_STOP_PHASE);
    }
}
