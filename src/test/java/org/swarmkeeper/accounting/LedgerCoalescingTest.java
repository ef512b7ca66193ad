package org.swarmkeeper.accounting;

import static org.assertj.core.api.Assertions.assertThat;

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

/** With a long flush interval, regular announces wait in the ledger and land together in one transaction. */
@TestPropertySource(properties = "tracker.ledger.flush-interval=1h")
class LedgerCoalescingTest extends TrackerIntegrationTest {

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
        ledger.durable().get(10, TimeUnit.SECONDS);
        assertThat(flushes() - flushesBefore).isEqualTo(1);
        assertThat(userColumn(user.id(), "uploaded")).isEqualTo(700);
        assertThat(jdbc.queryForObject("SELECT uploaded FROM peers WHERE user_id = ?", Long.class, user.id()))
                .as("the baseline written with the credit").isEqualTo(700);
    }

    private long flushes() {
        return meters.get("tracker.flush").timer().count();
    }
}
