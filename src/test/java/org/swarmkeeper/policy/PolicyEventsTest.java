package org.swarmkeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;

import static org.swarmkeeper.protocol.AnnounceEvent.NONE;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.swarmkeeper.protocol.AnnounceRequest;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.Await;
import org.swarmkeeper.support.TrackerIntegrationTest;
import tools.jackson.databind.JsonNode;

/** The decision log: what one row of it stands for, its bound under a flood, and what its readers see. */
class PolicyEventsTest extends TrackerIntegrationTest {

    private static final Decision PORT_80 = Decision.denied("port", "port_blocked",
            "port 80 is not allowed: configure your client to listen on another port");
    private static final Decision PORT_81 = Decision.denied("port", "port_blocked",
            "port 81 is not allowed: configure your client to listen on another port");
    private static final Decision TOO_SOON = new Decision("min_interval", "warned", "announce_too_soon",
            "announced too soon: wait 15 min between announces (min interval); no peers this time");
    private static final int FLOOD = 10_000;

    @Autowired
    PolicyEvents events;

    @Autowired
    PolicyProperties properties;

    @Autowired
    DataSource dataSource;

    /** The first instant of the aggregation window {@code clock} is in. */
    private long windowStart() {
        long window = properties.events().aggregateWindow().toMillis();
        return clock.millis() - Math.floorMod(clock.millis(), window);
    }

    private static String line(PolicyEvents.Event event) {
        return event.torrentId() + " " + event.rule() + "/" + event.outcome() + "/" + event.code() + " x"
                + event.count() + " " + event.at().toEpochMilli() + ".." + event.lastAt().toEpochMilli() + ": "
                + event.message();
    }

    @Test
    void announceTimeDecisionsOfOneKindInOneWindowAreOneRowWithTheirCountAndTheLatestText() {
        CreatedUser user = newUser();
        long torrent = jdbc.queryForObject("SELECT id FROM torrents WHERE info_hash = ?", Long.class,
                (Object) newTorrent(1_000).toBytes());
        long start = windowStart();
        events.recordLater(user.id(), torrent, PORT_80, start + 5_000);
        events.recordLater(user.id(), torrent, PORT_81, start + 2_000); // reaches the log after a later one
        events.recordLater(user.id(), null, TOO_SOON, start + 1_000);
        events.flush();
        events.recordLater(user.id(), torrent, PORT_80, start + 9_000); // added to the row written before
        events.recordLater(user.id(), null, TOO_SOON, start + 3_000);
        events.recordLater(user.id(), torrent, TOO_SOON, start + 4_000); // another torrent, another row

        assertThat(events.forUser(user.id(), 10)).extracting(PolicyEventsTest::line).containsExactly(
                torrent + " port/denied/port_blocked x3 " + (start + 2_000) + ".." + (start + 9_000) + ": "
                        + PORT_80.message(),
                torrent + " min_interval/warned/announce_too_soon x1 " + (start + 4_000) + ".." + (start + 4_000)
                        + ": " + TOO_SOON.message(),
                "null min_interval/warned/announce_too_soon x2 " + (start + 1_000) + ".." + (start + 3_000) + ": "
                        + TOO_SOON.message());
    }

    @Test
    void theNextWindowStartsANewRow() {
        CreatedUser user = newUser();
        long start = windowStart();
        long window = properties.events().aggregateWindow().toMillis();
        events.recordLater(user.id(), null, PORT_80, start + window - 1);
        events.recordLater(user.id(), null, PORT_80, start + window);
        events.recordLater(user.id(), null, PORT_80, start + window + 1);
        assertThat(events.forUser(user.id(), 10)).extracting(PolicyEvents.Event::count).containsExactly(2L, 1L);
    }

    @Test
    void scheduledAndStaffDecisionsAreARowEach() {
        CreatedUser user = newUser();
        Decision revoked = new Decision("leech_rights", "revoked", "staff", "leeching disabled for this account by staff");
        events.recordNow(user.id(), null, revoked, clock.instant());
        events.recordNow(user.id(), null, revoked, clock.instant());
        assertThat(events.forUser(user.id(), 10)).extracting(PolicyEvents.Event::count).containsExactly(1L, 1L);
    }

    @Test
    void tenThousandRefusedAndTenThousandEarlyAnnouncesOfOneUserAreTwoRowsThatCountThem() throws Exception {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(1_000);
        double refusedBefore = decisions("client", "denied");
        double warnedBefore = decisions("min_interval", "warned");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(); // keeps connections
        byte[] key = "flood".getBytes(StandardCharsets.ISO_8859_1);
        PeerId unlisted = PeerId.of("-XX0100-unlistedpeer".getBytes(StandardCharsets.ISO_8859_1));
        String refused = new AnnounceRequest(torrent, unlisted, 51413, 0, 0, 0, STARTED, true, false, 50, key)
                .toQueryString();
        for (int i = 0; i < FLOOD; i++) {
            assertThat(announce(http, user, refused, "Example/1.0").text("failure reason"))
                    .isEqualTo("client not allowed: -XX0100- is not on this tracker's client list");
        }
        PeerId listed = PeerId.of("-TR3000-floodingpeer".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(announce(http, user, new AnnounceRequest(torrent, listed, 51413, 0, 0, 0, STARTED, true, false,
                50, key).toQueryString(), "Transmission/3.00").has("warning message")).isFalse();
        String early = new AnnounceRequest(torrent, listed, 51413, 0, 0, 0, NONE, true, false, 50, key).toQueryString();
        for (int i = 0; i < FLOOD; i++) { // the clock stands still: every one comes before min interval
            assertThat(announce(http, user, early, "Transmission/3.00").text("warning message"))
                    .startsWith("announced too soon");
        }

        JsonNode logged = admin.get("/api/users/" + user.id() + "/events").json();
        assertThat(logged).hasSize(2);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM policy_events WHERE user_id = ?", Long.class, user.id()))
                .as("rows written").isEqualTo(2);
        for (JsonNode row : logged) {
            assertThat(row.get("count").asLong()).as(row.toString()).isEqualTo(FLOOD);
            assertThat(row.get("lastAt").asString()).as("the clock stood still").isEqualTo(row.get("at").asString());
        }
        assertThat(logged.get(1).get("code").asString()).isEqualTo("client_not_listed");
        assertThat(logged.get(0).get("code").asString()).isEqualTo("announce_too_soon");
        assertThat(decisions("client", "denied") - refusedBefore).isEqualTo(FLOOD);
        assertThat(decisions("min_interval", "warned") - warnedBefore).isEqualTo(FLOOD);
    }

    private Bencode announce(HttpClient http, CreatedUser user, String query, String userAgent) throws Exception {
        HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + trackerPort + "/announce/" + user.passkey() + "?" + query))
                .header("User-Agent", userAgent).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        return Bencode.of(answer.body());
    }

    @Test
    void aReadWaitsForTheFlushUnderWayAndSeesWhatItWrites() throws Exception {
        CreatedUser user = newUser();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CompletableFuture<Thread> readerThread = new CompletableFuture<>();
        Future<List<PolicyEvents.Event>> read;
        try (Connection holder = dataSource.getConnection(); Statement statement = holder.createStatement()) {
            holder.setAutoCommit(false);
            // Writes to the log wait behind this lock until it is released; reads do not.
            statement.execute("LOCK TABLE policy_events IN SHARE MODE");
            events.recordLater(user.id(), null, PORT_80, clock.millis());
            threads.execute(events::flush); // this flush or the scheduled one takes the decision, and waits
            Await.until("a flush holding the decision to wait for the table", Duration.ofSeconds(10),
                    this::aWriteWaitsForTheLog);
            read = threads.submit(() -> {
                readerThread.complete(Thread.currentThread());
                return events.forUser(user.id(), 10);
            });
            Thread reader = readerThread.get(10, TimeUnit.SECONDS);
            Await.until("the read to return or to wait for that flush", Duration.ofSeconds(10),
                    () -> read.isDone() || waitsToFlush(reader));
            holder.rollback();
        } finally {
            threads.shutdown();
        }
        assertThat(read.get(10, TimeUnit.SECONDS)).extracting(PolicyEvents.Event::code).containsExactly("port_blocked");
    }

    private boolean aWriteWaitsForTheLog() {
        return jdbc.queryForObject("SELECT count(*) FROM pg_locks WHERE relation = 'policy_events'::regclass"
                + " AND NOT granted", Long.class) > 0;
    }

    private static boolean waitsToFlush(Thread thread) {
        return thread.getState() == Thread.State.WAITING && Arrays.stream(thread.getStackTrace()).anyMatch(
                frame -> frame.getClassName().equals(PolicyEvents.class.getName())
                        && frame.getMethodName().equals("flush"));
    }
}
