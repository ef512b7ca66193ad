package org.swarmkeeper.economy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmkeeper.protocol.AnnounceEvent.NONE;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;

/** Seed points earned by seeding over real HTTP, paid by the ledger's flushes, and spent through the API. */
class SeedPointsTest extends TrackerIntegrationTest {

    private static final long GIB = 1L << 30;
    private static final Duration HALF_HOUR = Duration.ofMinutes(30);

    @Autowired
    private IdleTorrents idleTorrents;

    @Test
    void seedingEarnsGazellesRateBySizeSeedersAndSeedTime() {
        AdminClient.CreatedUser user = newUser();
        InfoHash torrent = newTorrent(2 * GIB);
        TestClient seeder = client(user, torrent, "-qB4650-", "127.0.30.1");
        seeder.announce(0, 0, 0, STARTED);
        flushLedger();

        // Alone for half an hour, no seed time before: 2 GiB × (0.0754 + 0.1207 × ln 1 / 1) × 0.5 h = 0.0754.
        clock.advance(HALF_HOUR);
        seeder.announce(0, 0, 0, NONE);
        flushLedger();
        assertThat(balance(user)).isEqualByComparingTo("0.0754");

        // Two more seeders join; the next half hour is among three seeders, after half an hour (1/48 day) of seed
        // time: 2 × 0.5 × (0.0754 + 0.1207 × ln(1 + 1/48) / 3^0.55) = 0.0754 + 0.1207 × 0.0206193 / 1.82986 =
        // 0.0767601
        for (int i = 2; i <= 3; i++) {
            client(newUser(), torrent, "-TR3000-", "127.0.30." + i).announce(0, 0, 0, STARTED);
        }
        clock.advance(HALF_HOUR);
        seeder.announce(0, 0, 0, NONE);
        flushLedger();
        double second = 0.0754 + 0.1207 * Math.log1p(1.0 / 48) / Math.pow(3, 0.55);
        assertThat(points(second)).isEqualByComparingTo("0.076760");
        assertThat(balance(user)).isEqualByComparingTo(points(0.0754).add(points(second)));

        // A gap longer than the peer timeout and time spent leeching earn nothing.
        clock.advance(Duration.ofHours(2));
        seeder.announce(0, 0, 0, NONE);
        TestClient leecher = client(user, newTorrent(2 * GIB), "-qB4650-", "127.0.30.4");
        leecher.announce(0, 0, GIB, STARTED);
        clock.advance(HALF_HOUR);
        leecher.announce(0, 0, GIB, NONE);
        flushLedger();
        assertThat(balance(user)).isEqualByComparingTo(points(0.0754).add(points(second)));

        AdminClient.Answer shown = admin.get("/api/users/" + user.id() + "/points");
        assertThat(shown.json().get("earnedBy")).hasSize(1);
        assertThat(shown.json().get("earnedBy").get(0).get("seedTimeMillis").asLong())
                .isEqualTo(HALF_HOUR.multipliedBy(2).toMillis());
    }

    @Test
    void anIntervalWithACheatFindingOrWithheldUploadEarnsNothing() {
        AdminClient.CreatedUser user = newUser();
        TestClient seeder = client(user, newTorrent(4 * GIB), "-qB4650-", "127.0.30.10");
        seeder.announce(0, 0, 0, STARTED);
        clock.advance(HALF_HOUR);
        seeder.announce(1L << 40, 0, 0, NONE); // a TiB in half an hour, which nobody downloaded
        flushLedger();
        assertThat(jdbc.queryForObject("SELECT seed_time_ms FROM user_torrent_history WHERE user_id = ?",
                Long.class, user.id())).as("seed time still accrues").isEqualTo(HALF_HOUR.toMillis());
        assertThat(balance(user)).isEqualByComparingTo("0");
    }

    @Test
    void aTorrentNobodyLeechedForAWeekPaysAQuarter() {
        AdminClient.CreatedUser user = newUser();
        InfoHash torrent = newTorrent(GIB);
        jdbc.update("UPDATE torrents SET created_at = now() - interval '30 days' WHERE info_hash = ?",
                torrent.toBytes());
        idleTorrents.refresh();
        TestClient seeder = client(user, torrent, "-qB4650-", "127.0.30.20");
        seeder.announce(0, 0, 0, STARTED);
        clock.advance(HALF_HOUR);
        seeder.announce(0, 0, 0, NONE);
        flushLedger();
        assertThat(balance(user)).isEqualByComparingTo(points(0.0754 * 0.5 / 4));

        // Once someone leeches it, it pays in full again.
        client(newUser(), torrent, "-TR3000-", "127.0.30.21").announce(0, 0, GIB, STARTED);
        flushLedger();
        idleTorrents.refresh();
        clock.advance(HALF_HOUR);
        seeder.announce(0, 0, 0, NONE);
        flushLedger();
        double secondHalfHour = 0.5 * (0.0754 + 0.1207 * Math.log1p(1.0 / 48));
        assertThat(balance(user)).isEqualByComparingTo(points(0.0754 * 0.5 / 4).add(points(secondHalfHour)));
    }

    @Test
    void concurrentSpendsNeverTakeTheBalanceBelowZero() throws Exception {
        AdminClient.CreatedUser user = newUser();
        jdbc.update("UPDATE users SET seed_points = 250000000 WHERE id = ?", user.id()); // 250 points
        long uploadedBefore = userColumn(user.id(), "uploaded");
        int buyers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(buyers);
        List<Future<AdminClient.Answer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < buyers; i++) {
                Callable<AdminClient.Answer> buy = () -> {
                    start.await();
                    return admin.post("/api/users/" + user.id() + "/points/spend", "{\"item\":\"upload\",\"quantity\":1}");
                };
                answers.add(pool.submit(buy));
            }
            start.countDown();
            int bought = 0;
            int refused = 0;
            for (Future<AdminClient.Answer> answer : answers) {
                int status = answer.get().status();
                bought += status == 200 ? 1 : 0;
                refused += status == 409 ? 1 : 0;
            }
            assertThat(bought).as("100 points each out of 250").isEqualTo(2);
            assertThat(refused).isEqualTo(buyers - 2);
        } finally {
            pool.shutdownNow();
        }
        assertThat(balance(user)).isEqualByComparingTo("50");
        assertThat(userColumn(user.id(), "uploaded") - uploadedBefore).isEqualTo(2 * GIB);
        assertThat(admin.get("/api/users/" + user.id() + "/points").json().get("spends")).hasSize(2);
        assertThat(events(user.id())).filteredOn(line -> line.startsWith("points/spent/upload: spent 100 points"))
                .hasSize(2);
    }

    @Test
    void aShortBalanceOrAnItemThatCannotBeHadChangesNothing() {
        AdminClient.CreatedUser user = newUser();
        jdbc.update("UPDATE users SET seed_points = 1500000000 WHERE id = ?", user.id()); // 1,500 points
        String path = "/api/users/" + user.id() + "/points/spend";

        AdminClient.Answer tooDear = admin.post(path, "{\"item\":\"personal-freeleech\",\"quantity\":6}");
        assertThat(tooDear.status()).isEqualTo(409);
        assertThat(tooDear.json().get("detail").asString())
                .isEqualTo("the balance of 1500 points is short of the price of 1800");
        assertThat(tooDear.json().get("balance").decimalValue()).isEqualByComparingTo("1500");

        AdminClient.Answer noStrike = admin.post(path, "{\"item\":\"hit-and-run-strike\"}");
        assertThat(noStrike.status()).isEqualTo(409);
        assertThat(noStrike.json().get("detail").asString()).contains("0 active hit-and-run strikes");

        assertThat(admin.post(path, "{\"item\":\"gold\"}").status()).isEqualTo(400);
        assertThat(admin.post(path, "{\"item\":\"upload\",\"quantity\":0}").status()).isEqualTo(400);
        assertThat(admin.post("/api/users/999999999/points/spend", "{\"item\":\"upload\"}").status()).isEqualTo(404);
        assertThat(balance(user)).isEqualByComparingTo("1500");
        assertThat(admin.get("/api/users/" + user.id() + "/points").json().get("spends")).isEmpty();

        AdminClient.Answer tokens = admin.post(path, "{\"item\":\"freeleech-token\",\"quantity\":2}");
        assertThat(tokens.status()).isEqualTo(200);
        assertThat(balance(user)).isEqualByComparingTo("500");
        assertThat(admin.user(user.id()).get("freeleechTokens").asInt()).isEqualTo(2);
    }

    private BigDecimal balance(AdminClient.CreatedUser user) {
        return admin.get("/api/users/" + user.id() + "/points").json().get("balance").decimalValue();
    }

    /** Points as a flush pays them: rounded to millionths. */
    private static BigDecimal points(double points) {
        return BigDecimal.valueOf(Math.round(points * 1_000_000), 6);
    }
}
