package org.swarmkeeper.front;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.swarmkeeper.SwarmkeeperApplication;
import org.swarmkeeper.accounting.Ledger;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.AnnounceRequest;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.support.AdminClient;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.RawHttp;
import org.swarmkeeper.support.TestDatabase;

/**
 * Mangled announces, sent over real HTTP to the running tracker with a real passkey and a registered torrent:
 * never a 5xx; every answer the tracker gives is bencoded; an announce refused with a failure reason changes
 * nothing in PostgreSQL, on the clients' port ({@link ClientServer}).
 */
class HostileInputPropertyTest {

    private static ConfigurableApplicationContext tracker;
    private static int port;
    private static int trackerPort;
    private static JdbcTemplate jdbc;
    private static String passkey;
    private static InfoHash torrent;

    @BeforeContainer
    static void startTracker() {
        TestDatabase.Connection db = TestDatabase.get();
        tracker = new SpringApplicationBuilder(SwarmkeeperApplication.class).run(
                "--spring.datasource.url=" + db.url(), "--spring.datasource.username=" + db.username(),
                "--spring.datasource.password=" + db.password(), "--server.port=0",
                "--tracker.admin.token=fuzz-token", "--tracker.port=0",
                // Junk in the passkey segment makes malformed passkeys: the abuse limit must not answer for them.
                "--tracker.abuse.unknown-passkeys-per-address=1000000000");
        port = Integer.parseInt(tracker.getEnvironment().getProperty("local.server.port"));
        trackerPort = tracker.getBean(ClientServer.class).port();
        jdbc = tracker.getBean(JdbcTemplate.class);
        AdminClient admin = new AdminClient(port, "fuzz-token");
        passkey = admin.createUser("fuzz-" + ThreadLocalRandom.current().nextInt(1_000_000)).passkey();
        byte[] hash = new byte[20];
        ThreadLocalRandom.current().nextBytes(hash);
        admin.registerTorrent(HexFormat.of().formatHex(hash), 1_000_000);
        torrent = InfoHash.of(hash);
    }

    @AfterContainer
    static void stopTracker() {
        tracker.close();
    }

    @Property(tries = 300)
    void mangledAnnouncesNeverFailTheServerNorChangeStateWhenRefused(
            @ForAll("validQueries") String query, @ForAll("mangles") String mangle, @ForAll("positions") double at) {
        int cut = (int) (at * query.length());
        String mangled = query.substring(0, cut) + mangle + query.substring(cut);
        Map<String, Object> before = state();
        RawHttp.Response response = RawHttp.send(InetAddress.getLoopbackAddress(), trackerPort,
                "GET /announce/" + passkey + "?" + mangled + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(response.status()).as(mangled).isLessThan(500);
        if (response.status() == 200) {
            Bencode answer = response.bencode();
            if (answer.has("failure reason")) {
                assertThat(state()).as("state after refusing " + mangled).isEqualTo(before);
            } else {
                assertThat(answer.has("interval")).isTrue();
            }
        } else {
            // Only the HTTP decoder answers otherwise (a request it cannot read), and even then in bencode.
            assertThat(response.status()).as(mangled).isEqualTo(400);
            assertThat(response.bencode().text("failure reason"))
                    .startsWith("malformed");
        }
    }

    @Property(tries = 200)
    void arbitraryBytesInPathAndHeadersAreAnsweredInBencodeWithoutTouchingState(
            @ForAll("junk") String pathJunk, @ForAll("junk") String headerJunk, @ForAll("validQueries") String query) {
        Map<String, Object> before = state();
        RawHttp.Response response = RawHttp.send(InetAddress.getLoopbackAddress(), trackerPort,
                "GET /announce/" + passkey
                + pathJunk + "?" + query + " HTTP/1.1\r\nHost: x\r\nX-Junk: " + headerJunk
                + "\r\nUser-Agent: " + headerJunk + "\r\nConnection: close\r\n\r\n");
        assertThat(response.status()).as(pathJunk + " / " + headerJunk).isLessThan(500);
        Bencode answer = response.bencode();
        if (answer.has("failure reason")) {
            assertThat(answer.text("failure reason")).doesNotStartWith("too many");
            assertThat(state()).as("state after refusing " + pathJunk).isEqualTo(before);
        } else {
            assertThat(answer.has("interval")).isTrue();
        }
    }

    @Provide
    Arbitrary<String> junk() {
        return Arbitraries.strings().ofMaxLength(40).withCharRange('\u0000', '\u00ff');
    }

    @Provide
    Arbitrary<String> validQueries() {
        return Arbitraries.longs().between(0, 1L << 40).map(counter -> new AnnounceRequest(torrent,
                PeerId.of(randomBytes()), 6881, counter, counter / 2, 1_000, AnnounceEvent.NONE, true, false,
                50, null).toQueryString());
    }

    @Provide
    Arbitrary<String> mangles() {
        Arbitrary<String> fragments = Arbitraries.of("%", "%0", "%zz", "%00", "&", "=", "&&&", "&port=99999",
                "&left=", "&uploaded=-1", "&event=bogus", "&event=stopped", "&event=completed", "&info_hash=",
                "&info_hash=%ff", "&peer_id=", "&numwant=-5", "&numwant=1e9", "&key=", "+", "*()!~", "'", "\"",
                "<script>", "{}|\\^`[]", "\u00e9", "%C3%A9", "\u0001", " ", "#", "?", "/../", ";");
        return Arbitraries.oneOf(fragments, Arbitraries.strings().ofMaxLength(12).withChars("%&=+0123456789abcdefxyz"));
    }

    @Provide
    Arbitrary<Double> positions() {
        return Arbitraries.doubles().between(0, 1);
    }

    /** The tables a refused announce must not touch, once everything accepted before has been flushed. */
    private static Map<String, Object> state() {
        try {
            tracker.getBean(Ledger.class).durable().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("ledger did not flush", e);
        }
        return jdbc.queryForMap("""
                SELECT (SELECT count(*) FROM peers) AS peers,
                       (SELECT coalesce(sum(uploaded + downloaded), 0) FROM users) AS totals,
                       (SELECT count(*) FROM user_torrent_history) AS history,
                       (SELECT coalesce(sum(snatches), 0) FROM torrents) AS snatches
                """);
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[20];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
