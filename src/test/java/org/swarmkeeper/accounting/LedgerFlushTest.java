package org.swarmkeeper.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;

/**
 * Flushes under control: with a long flush interval, regular announces wait in the ledger until the test
 * asks for a flush.
 */
@TestPropertySource(properties = {"tracker.ledger.flush-interval=1h",
        // The absurd counter below is what the speed ceiling withholds; here it must reach the totals.
        "tracker.cheat.actions.upload_speed=flag"})
class LedgerFlushTest extends TrackerIntegrationTest {

    @Autowired
    private Ledger ledger;

    @Autowired
    private MeterRegistry meters;

    @Test
    void twoAnnouncesOfOnePeerAreCoalescedIntoOneFlush() throws Exception {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(1_000);
        TestClient seeder = client(user, torrent, "-TR3000-", "127.0.0.60");
        seeder.announce(0, 0, 0, AnnounceEvent.STARTED); // answered after its own flush

        seeder.announce(300, 0, 0, AnnounceEvent.NONE);
        seeder.announce(700, 0, 0, AnnounceEvent.NONE);
        assertThat(userColumn(user.id(), "uploaded")).as("nothing written before the flush").isZero();
        assertThat(ledger.pendingPeers()).isEqualTo(1);

        long flushesBefore = flushes();
        // Runs on the flusher the moment the commit is announced: the credit no longer counts as lag by then.
        double lagWhenCommitted = ledger.durable().thenApply(done -> ledger.flushLagSeconds())
                .get(10, TimeUnit.SECONDS);
        assertThat(lagWhenCommitted).isZero();
        assertThat(flushes() - flushesBefore).isEqualTo(1);
        assertThat(userColumn(user.id(), "uploaded")).isEqualTo(700);
        assertThat(jdbc.queryForObject("SELECT uploaded FROM peers WHERE user_id = ?", Long.class, user.id()))
                .as("the baseline written with the credit").isEqualTo(700);
    }

    @Test
    void thePolicyEvaluationCountsCreditTheLedgerHadNotWrittenYet() {
        CreatedUser user = newUser();
        TestClient leecher = client(user, newTorrent(8L << 30), "-qB4520-", "127.0.0.64");
        leecher.announce(0, 0, 8L << 30, AnnounceEvent.STARTED);
        clock.advance(Duration.ofMinutes(30)); // a plausible download speed
        leecher.announce(0, 6L << 30, 2L << 30, AnnounceEvent.NONE); // 6 GiB with nothing seeded requires 0.15
        assertThat(userColumn(user.id(), "downloaded")).as("nothing written before the evaluation").isZero();

        evaluatePolicy();

        assertThat(userColumn(user.id(), "downloaded")).isEqualTo(6L << 30);
        assertThat(events(user.id())).first().asString().startsWith("ratio_watch/started/ratio_under_required");
    }

    @Test
    void absurdCountersSaturateInsteadOfBlockingEveryoneElsesFlushes() throws Exception {
        CreatedUser cheater = newUser();
        CreatedUser honest = newUser();
        InfoHash first = newTorrent(1_000);
        InfoHash second = newTorrent(1_000);
        TestClient huge = client(cheater, first, "-TR3000-", "127.0.0.61");
        TestClient more = client(cheater, second, "-TR3000-", "127.0.0.62");
        TestClient fair = client(honest, first, "-qB4520-", "127.0.0.63");
        huge.announce(0, 0, 0, AnnounceEvent.STARTED);
        more.announce(0, 0, 0, AnnounceEvent.STARTED);
        fair.announce(0, 0, 0, AnnounceEvent.STARTED);

        huge.announce(Long.MAX_VALUE, 0, 0, AnnounceEvent.NONE);
        more.announce(1_000, 0, 0, AnnounceEvent.NONE); // the cheater's total would pass the bigint maximum
        fair.announce(400, 0, 0, AnnounceEvent.NONE);
        long flushesBefore = flushes();
        ledger.durable().get(10, TimeUnit.SECONDS);

        assertThat(flushes() - flushesBefore).as("one transaction, nothing refused").isEqualTo(1);
        assertThat(userColumn(cheater.id(), "uploaded")).isEqualTo(Long.MAX_VALUE);
        assertThat(userColumn(honest.id(), "uploaded")).isEqualTo(400);
        assertThat(ledger.lastFlushFailed()).isFalse();
    }

    @Test
    void anEntryPostgresRefusesIsDroppedAloneAndTheRestIsWritten() throws Exception {
        CreatedUser doomed = newUser();
        CreatedUser other = newUser();
        InfoHash torrent = newTorrent(1_000);
        TestClient doomedSeeder = client(doomed, torrent, "-TR3000-", "127.0.0.64");
        TestClient otherSeeder = client(other, torrent, "-TR3000-", "127.0.0.65");
        doomedSeeder.announce(0, 0, 0, AnnounceEvent.STARTED);
        otherSeeder.announce(0, 0, 0, AnnounceEvent.STARTED);

        // Deleted straight in SQL, behind the tracker's back: its pending rows now violate foreign keys.
        jdbc.update("DELETE FROM users WHERE id = ?", doomed.id());
        doomedSeeder.announce(500, 0, 0, AnnounceEvent.NONE);
        otherSeeder.announce(700, 0, 0, AnnounceEvent.NONE);
        ledger.durable().get(10, TimeUnit.SECONDS);

        assertThat(userColumn(other.id(), "uploaded")).isEqualTo(700);
        assertThat(ledger.pendingPeers()).isZero();
        assertThat(ledger.lastFlushFailed()).isFalse();
    }

    private long flushes() {
        return meters.get("tracker.flush").timer().count();
    }
}
