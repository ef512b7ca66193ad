package org.swarmkeeper.economy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmkeeper.protocol.AnnounceEvent.NONE;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;

import java.math.BigDecimal;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;

/** A rule table instead of the formula: the rules that hold add up, the seed time ones from the flush's history. */
@TestPropertySource(properties = {
        // the only seeder: 2 an hour
        "tracker.economy.seed-points.rules[0].max-seeders=2",
        "tracker.economy.seed-points.rules[0].points-per-hour=2",
        // after an hour of seed time on the torrent: 1 an hour more
        "tracker.economy.seed-points.rules[1].min-seed-time=1h",
        "tracker.economy.seed-points.rules[1].points-per-hour=1",
        // 10 GiB or more: 5 an hour
        "tracker.economy.seed-points.rules[2].min-size=10GB",
        "tracker.economy.seed-points.rules[2].points-per-hour=5"})
class SeedPointRulesTest extends TrackerIntegrationTest {

    private static final Duration HALF_HOUR = Duration.ofMinutes(30);

    @Test
    void theRulesThatHoldPayTheirHourlyPoints() {
        AdminClient.CreatedUser user = newUser();
        InfoHash torrent = newTorrent(1L << 30);
        TestClient seeder = client(user, torrent, "-qB4650-", "127.0.35.1");
        seeder.announce(0, 0, 0, STARTED);
        for (int i = 0; i < 3; i++) { // alone: 2 × 0.5 each half hour, and 1 × 0.5 more once an hour is behind it
            clock.advance(HALF_HOUR);
            seeder.announce(0, 0, 0, NONE);
            flushLedger();
        }
        assertThat(balance(user)).isEqualByComparingTo("3.5");

        client(newUser(), torrent, "-TR3000-", "127.0.35.2").announce(0, 0, 0, STARTED); // no longer the only seeder
        clock.advance(HALF_HOUR);
        seeder.announce(0, 0, 0, NONE);
        flushLedger();
        assertThat(balance(user)).isEqualByComparingTo("4");
        assertThat(admin.get("/api/economy/prices").json().get("seedPoints").get("rules")).hasSize(3);
    }

    private BigDecimal balance(AdminClient.CreatedUser user) {
        return admin.get("/api/users/" + user.id() + "/points").json().get("balance").decimalValue();
    }
}
