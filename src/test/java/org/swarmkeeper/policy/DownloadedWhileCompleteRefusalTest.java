package org.swarmkeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmkeeper.protocol.AnnounceEvent.NONE;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;

/**
 * {@code tracker.cheat.actions.downloaded_while_complete=refuse}: a user without leech rights who downloads while
 * reporting {@code left=0} is refused, and that announce changes nothing; a user with leech rights is only flagged.
 */
@TestPropertySource(properties = "tracker.cheat.actions.downloaded_while_complete=refuse")
class DownloadedWhileCompleteRefusalTest extends TrackerIntegrationTest {

    private static final long MIB = 1L << 20;

    @Test
    void withoutLeechRightsTheAnnounceIsRefusedAndRecordsNothing() {
        CreatedUser user = newUser();
        admin.patch("/api/users/" + user.id(), "{\"canLeech\":false}");
        TestClient client = client(user, newTorrent(1024 * MIB), "-qB4520-", "127.0.13.1");
        client.announce(0, 0, 0, STARTED);
        clock.advance(Duration.ofMinutes(30));
        assertThat(client.announce(0, 200 * MIB, 0, NONE).text("failure reason"))
                .isEqualTo("downloading is not allowed for this account: reported left=0 while downloading");
        flushLedger();
        assertThat(userColumn(user.id(), "raw_downloaded")).as("the refused announce changed nothing").isZero();
        assertThat(events(user.id())).first().isEqualTo("cheat/refused/downloaded_while_complete: downloaded 209715200 "
                + "bytes since the last announce while reporting left=0 then and now (slack 16777216); the account "
                + "has no leech rights");
    }

    @Test
    void withLeechRightsItIsOnlyFlagged() {
        CreatedUser user = newUser();
        TestClient client = client(user, newTorrent(1024 * MIB), "-qB4520-", "127.0.13.2");
        client.announce(0, 0, 0, STARTED);
        clock.advance(Duration.ofMinutes(30));
        assertThat(client.announce(0, 200 * MIB, 0, NONE).has("failure reason")).isFalse();
        assertThat(events(user.id())).containsExactly("cheat/flagged/downloaded_while_complete: downloaded 209715200 "
                + "bytes since the last announce while reporting left=0 then and now (slack 16777216)");
    }
}
