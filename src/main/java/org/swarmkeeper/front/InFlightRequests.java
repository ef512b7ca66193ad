package org.swarmkeeper.front;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Announces and scrapes being answered by {@link ClientPathValve}. Spring Boot's graceful shutdown only sees
 * requests that reached a servlet, so this waits for the valve's own, after graceful shutdown has stopped
 * new connections and before the web server stops: a client in the middle of an announce gets its answer.
 */
@Component
class InFlightRequests implements SmartLifecycle {

    /** Between graceful shutdown (it stops first) and the web server's stop (it stops after). */
    static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 512;
    private static final Duration MAX_WAIT = Duration.ofSeconds(10);

    /** Counted on every announce: an atomic, no lock; the stopping thread is woken only while it waits. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean running;

    void begin() {
        inFlight.incrementAndGet();
    }

    void end() {
        if (inFlight.decrementAndGet() == 0 && !running) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    @Override
    public void start() {
        running = true;
    }

    /** Waits, at most 10 s, until no announce or scrape is being answered. */
    @Override
    public void stop() {
        running = false;
        long deadline = System.nanoTime() + MAX_WAIT.toNanos();
        synchronized (this) {
            try {
                for (long left = MAX_WAIT.toMillis(); inFlight.get() > 0 && left > 0;
                     left = (deadline - System.nanoTime()) / 1_000_000) {
                    wait(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
