package org.swarmkeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;

/**
 * Reseed requests end to end, on the test clock: a swarm with leechers and no seeder for a day asks the users who
 * snatched it, with an event each, a {@code NOTIFY} and a message in their client at their next announce on any
 * torrent; the user who seeds it again closes the request and is rewarded once.
 */
@TestPropertySource(properties = "tracker.reseed.enabled=true")
class ReseedRequestsTest extends TrackerIntegrationTest {

    private static final long GIB = 1L << 30;

    @Autowired
    private PolicyEvents events;

    @Autowired
    private MeterRegistry meters;

    @Test
    void aSwarmWithoutASeederForADayAsksItsSnatchersAndRewardsTheOneWhoReseedsOnce() throws Exception {
        InfoHash torrent = newTorrent(GIB);
        CreatedUser first = newUser();
        CreatedUser second = newUser();
        snatchAndLeave(first, torrent, GIB, "127.0.12.1");
        snatchAndLeave(second, torrent, GIB, "127.0.12.2");
        // The second snatcher keeps a leecher of their own in the swarm: asking them to reseed (and rewarding it)
        // would pay for reviving a torrent they keep dead.
        client(second, torrent, "-TR3000-", "127.0.12.6").announce(0, 0, GIB, STARTED);
        CreatedUser waiting = newUser();
        client(waiting, torrent, "-TR3000-", "127.0.12.3").announce(0, 0, GIB, STARTED);
        clock.advance(Duration.ofMinutes(10)); // past the check interval since the context's first evaluation
        evaluatePolicy();
        long request = jdbc.queryForObject("SELECT r.id FROM reseed_requests r JOIN torrents t ON t.id = r.torrent_id "
                + "WHERE t.info_hash = ? AND r.closed_at IS NULL", Long.class, torrent.toBytes());

        try (Connection listener = jdbc.getDataSource().getConnection()) {
            try (Statement listen = listener.createStatement()) {
                listen.execute("LISTEN reseed_requests");
            }
            double requestedBefore = requests("requested");
            clock.advance(Duration.ofHours(23));
            evaluatePolicy();
            assertThat(requestedAt(request)).as("not a day yet").isNull();
            clock.advance(Duration.ofHours(1));
            evaluatePolicy();
            assertThat(requestedAt(request)).isNotNull();
            // Other tests' torrents in the shared database may be asked for as well.
            assertThat(requests("requested") - requestedBefore).isGreaterThanOrEqualTo(1);
            assertThat(notifications(listener)).contains("{\"request\":" + request + ",\"torrent\":"
                    + torrentId(torrent) + ",\"users\":1}");
        }
        assertThat(events(first.id())).filteredOn(line -> line.startsWith("reseed/")).first().asString()
                .startsWith("reseed/requested/reseed_requested: reseed request: t-" + torrent.hex());
        assertThat(events(waiting.id())).as("never snatched it").noneMatch(line -> line.startsWith("reseed/"));
        assertThat(events(second.id())).as("leeching it").noneMatch(line -> line.startsWith("reseed/"));

        TestClient elsewhere = client(first, newTorrent(GIB), "-qB4520-", "127.0.12.4");
        assertThat(elsewhere.announce(0, 0, GIB, STARTED).text("warning message")).isEqualTo("reseed request: t-"
                + torrent.hex() + " has had leechers and no seeder for 24 h; you snatched it, please seed it again");
        TestClient another = client(first, newTorrent(GIB), "-qB4520-", "127.0.12.5");
        assertThat(another.announce(0, 0, GIB, STARTED).has("warning message")).as("told once").isFalse();

        long pointsBefore = userColumn(first.id(), "seed_points");
        client(first, torrent, "-qB4520-", "127.0.12.1").announce(0, GIB, 0, STARTED);
        clock.advance(Duration.ofMinutes(10));
        evaluatePolicy();
        Map<String, Object> closed = jdbc.queryForMap("SELECT closed_at, reseeded_by, reward FROM reseed_requests "
                + "WHERE id = ?", request);
        assertThat(closed.get("reseeded_by")).isEqualTo(first.id());
        assertThat(closed.get("reward")).isEqualTo(100_000_000L);
        assertThat(userColumn(first.id(), "seed_points") - pointsBefore).isEqualTo(100_000_000L);
        assertThat(events(first.id())).filteredOn(line -> line.startsWith("reseed/")).first().asString()
                .startsWith("reseed/reseeded/reseeded: reseeded a torrent without a seeder since ")
                .endsWith("; rewarded 100.0 points");

        clock.advance(Duration.ofMinutes(10));
        evaluatePolicy();
        assertThat(userColumn(first.id(), "seed_points") - pointsBefore).as("rewarded once").isEqualTo(100_000_000L);
    }

    private Object requestedAt(long request) {
        return jdbc.queryForObject("SELECT requested_at FROM reseed_requests WHERE id = ?", Object.class, request);
    }

    private long torrentId(InfoHash torrent) {
        return jdbc.queryForObject("SELECT id FROM torrents WHERE info_hash = ?", Long.class, torrent.toBytes());
    }

    private double requests(String outcome) {
        return meters.get("tracker.reseed.requests").tag("outcome", outcome).counter().count();
    }

    private static List<String> notifications(Connection listener) throws Exception {
        List<String> payloads = new ArrayList<>();
        PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications(5_000);
        if (received != null) {
            for (PGNotification notification : received) {
                payloads.add(notification.getParameter());
            }
        }
        return payloads;
    }
}
