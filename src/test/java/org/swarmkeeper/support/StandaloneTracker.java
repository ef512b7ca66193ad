package org.swarmkeeper.support;

import java.util.List;
import java.util.stream.Stream;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.swarmkeeper.SwarmkeeperApplication;

/**
 * A tracker of a test's own on the test database, for tests that block its flushes with a table lock: flushes wait
 * for the lock instead of failing, and no scheduled work runs after the first runs (a policy evaluation flushes
 * first, and would wait on the lock too).
 */
public final class StandaloneTracker {

    private StandaloneTracker() {
    }

    /** Starts one with these more settings ({@code --name=value}). */
    public static ConfigurableApplicationContext start(TestDatabase.Connection db, String adminToken,
                                                       String... settings) {
        List<String> arguments = List.of("--spring.datasource.url=" + db.url(),
                "--spring.datasource.username=" + db.username(), "--spring.datasource.password=" + db.password(),
                "--server.port=0", "--tracker.port=0", "--tracker.admin.token=" + adminToken,
                "--tracker.ledger.lock-timeout=60s", "--tracker.policy.evaluate-interval=1d",
                "--tracker.swarm.reap-interval=1d", "--tracker.swarm.retention-check-interval=1d",
                "--tracker.policy.events.purge-interval=1d");
        return new SpringApplicationBuilder(SwarmkeeperApplication.class)
                .run(Stream.concat(arguments.stream(), Stream.of(settings)).toArray(String[]::new));
    }

    /** The port of its admin API. */
    public static int adminPort(ConfigurableApplicationContext tracker) {
        return Integer.parseInt(tracker.getEnvironment().getProperty("local.server.port"));
    }
}
