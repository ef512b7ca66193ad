package org.swarmkeeper.economy;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.swarmkeeper.SwarmkeeperApplication;
import org.swarmkeeper.front.ClientServer;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient;
import org.swarmkeeper.support.MutableClock;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TestDatabase;
import org.swarmkeeper.support.TestTimeConfiguration;

/**
 * A restart in the middle of a seeding interval: the interval is paid once, by the node that sees its end,
 * against the baseline and seed time the first node committed; an announce repeated at the same instant pays
 * nothing.
 */
class SeedPointsRestartTest {

    private static final String TOKEN = "points-restart-token";
    private static final long GIB = 1L << 30;
    private static final Duration HALF_HOUR = Duration.ofMinutes(30);

    @Test
    void anIntervalAcrossARestartIsPaidOnce() {
        byte[] hash = new byte[20];
        ThreadLocalRandom.current().nextBytes(hash);
        InfoHash torrent = InfoHash.of(hash);
        AdminClient.CreatedUser user;
        TestClient seeder;
        Instant intervalStart;

        try (ConfigurableApplicationContext first = start()) {
            AdminClient admin = new AdminClient(port(first), TOKEN);
            user = admin.createUser("points-restart-" + ThreadLocalRandom.current().nextInt(1_000_000));
            admin.registerTorrent(HexFormat.of().formatHex(hash), 4 * GIB);
            seeder = new TestClient(trackerPort(first), user.passkey(), torrent, "-qB4650-", "127.0.31.1");
            MutableClock clock = first.getBean(MutableClock.class);
            seeder.announce(0, 0, 0, AnnounceEvent.STARTED);
            clock.advance(HALF_HOUR);
            seeder.announce(0, 0, 0, AnnounceEvent.NONE);
            intervalStart = clock.instant();
        } // the graceful stop flushes

        try (ConfigurableApplicationContext second = start()) {
            AdminClient admin = new AdminClient(port(second), TOKEN);
            MutableClock clock = second.getBean(MutableClock.class);
            clock.advance(Duration.between(clock.instant(), intervalStart.plus(HALF_HOUR)));
            TestClient same = seeder.at(trackerPort(second));
            same.announce(0, 0, 0, AnnounceEvent.NONE);
            same.announce(0, 0, 0, AnnounceEvent.NONE); // the same instant again: no seed time, no points
            same.announce(0, 0, 0, AnnounceEvent.STOPPED);

            // 4 GiB alone: 4 × 0.5 × 0.0754 for the first half hour; then 4 × 0.5 × (0.0754 + 0.1207 × ln(1 + 1/48))
            double first = 4 * 0.5 * 0.0754;
            double secondHalf = 4 * 0.5 * (0.0754 + 0.1207 * Math.log1p(1.0 / 48));
            BigDecimal balance = admin.get("/api/users/" + user.id() + "/points").json().get("balance").decimalValue();
            assertThat(balance).isEqualByComparingTo(micros(first).add(micros(secondHalf)));
            assertThat(admin.get("/api/users/" + user.id() + "/points").json().get("earnedBy").get(0)
                    .get("seedTimeMillis").asLong()).isEqualTo(HALF_HOUR.multipliedBy(2).toMillis());
        }
    }

    private static BigDecimal micros(double points) {
        return BigDecimal.valueOf(Math.round(points * 1_000_000), 6);
    }

    private static ConfigurableApplicationContext start() {
        TestDatabase.Connection db = TestDatabase.get();
        return new SpringApplicationBuilder(SwarmkeeperApplication.class, TestTimeConfiguration.class).run(
                "--spring.datasource.url=" + db.url(),
                "--spring.datasource.username=" + db.username(),
                "--spring.datasource.password=" + db.password(),
                "--server.port=0", "--tracker.port=0", "--tracker.policy.evaluate-interval=1d",
                "--tracker.swarm.reap-interval=1d", "--tracker.admin.token=" + TOKEN);
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    private static int trackerPort(ConfigurableApplicationContext context) {
        return context.getBean(ClientServer.class).port();
    }
}
