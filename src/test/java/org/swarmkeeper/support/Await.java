package org.swarmkeeper.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Polls a condition on the calling thread, at once and then every 100 ms, failing with what was awaited once the
 * limit passes.
 */
public final class Await {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private Await() {
    }

    public static void until(String what, Duration limit, BooleanSupplier condition) {
        try {
            Awaitility.await(what).atMost(limit).pollDelay(Duration.ZERO).pollInterval(POLL_INTERVAL)
                    .pollInSameThread().until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            fail("not within " + limit.toSeconds() + " s: " + what);
        }
    }
}
