package org.swarmkeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmkeeper.protocol.AnnounceEvent.COMPLETED;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Await;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;

/** A rule configured to take leech rights away does so at the announce that trips it. */
@TestPropertySource(properties = "tracker.cheat.actions.completed_without_download=disable")
class CheatActionTest extends TrackerIntegrationTest {

    @Test
    void theDisableActionTakesLeechRightsAway() {
        CreatedUser user = newUser();
        TestClient client = client(user, newTorrent(1_000), "-qB4520-", "127.0.11.20");
        client.announce(0, 0, 1_000, STARTED);
        clock.advance(Duration.ofMinutes(30));
        client.announce(0, 0, 0, COMPLETED);
        Await.until("leech rights taken away (off the announce path)", Duration.ofSeconds(10),
                () -> !admin.user(user.id()).get("canLeech").asBoolean());
        assertThat(client(user, newTorrent(1_000), "-qB4520-", "127.0.11.21").announce(0, 0, 1_000, STARTED)
                .text("failure reason")).isEqualTo("leeching disabled for this account by staff");
        assertThat(admin.get("/api/users/" + user.id() + "/flags").json().get(0).get("outcome").asString())
                .isEqualTo("disabled");
    }
}
