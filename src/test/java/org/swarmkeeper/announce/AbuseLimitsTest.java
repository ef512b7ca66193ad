package org.swarmkeeper.announce;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.AnnounceRequest;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.RawHttp;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;

/**
 * An address (an IPv6 one with its /64) sending unknown passkeys is refused once it used its allowance, until the
 * window ends; scrapes are limited per passkey; oversized request headers and unreadable request lines get a 4xx
 * with a bencoded failure reason, never a 5xx.
 */
@TestPropertySource(properties = {"tracker.abuse.unknown-passkeys-per-address=3",
        "tracker.abuse.scrapes-per-passkey=2", "tracker.abuse.window=1m",
        "tracker.network.trusted-proxies=" + AbuseLimitsTest.PROXY})
class AbuseLimitsTest extends TrackerIntegrationTest {

    static final String PROXY = "127.0.0.84";

    private static final String THROTTLED =
            "too many unknown passkeys from your address: wait 60 s, and check the announce URL in your torrent";

    private String announceFrom(String address, String passkey, InfoHash torrent) {
        var answer = new TestClient(trackerPort, passkey, torrent, "-TR3000-", address).announce(0, 0, 0, AnnounceEvent.STARTED);
        return answer.has("failure reason") ? answer.text("failure reason") : null;
    }

    @Test
    void unknownPasskeysFromOneAddressAreThrottledForTheRestOfTheWindow() {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(100);
        String guess = "0123456789abcdef0123456789abcdef";
        for (int i = 0; i < 3; i++) {
            assertThat(announceFrom("127.0.0.80", guess, torrent)).isEqualTo("unknown passkey");
        }
        assertThat(announceFrom("127.0.0.80", guess, torrent)).isEqualTo(THROTTLED);
        assertThat(announceFrom("127.0.0.80", user.passkey(), torrent)).as("a valid passkey always gets through")
                .isNull();
        assertThat(announceFrom("127.0.0.81", guess, torrent)).as("other addresses are counted apart")
                .isEqualTo("unknown passkey");

        clock.advance(Duration.ofMinutes(1));
        assertThat(announceFrom("127.0.0.80", guess, torrent)).as("a new window").isEqualTo("unknown passkey");
    }

    @Test
    void anIpv6AddressCountsWithItsWholeSlash64() {
        InfoHash torrent = newTorrent(100);
        String guess = "fedcba9876543210fedcba9876543210";
        for (int i = 1; i <= 3; i++) {
            assertThat(announceBehindProxy("2001:db8:1:2::" + i, guess, torrent)).isEqualTo("unknown passkey");
        }
        assertThat(announceBehindProxy("2001:db8:1:2:ffff::4", guess, torrent)).as("another address, the same /64")
                .isEqualTo(THROTTLED);
        assertThat(announceBehindProxy("2001:db8:1:3::1", guess, torrent)).as("the next /64")
                .isEqualTo("unknown passkey");
    }

    /** An announce the trusted proxy forwards from {@code client}; its failure reason, or null. */
    private String announceBehindProxy(String client, String passkey, InfoHash torrent) {
        String query = new AnnounceRequest(torrent, PeerId.of("-TR3000-ipv6guess000".getBytes()), 51413, 0, 0, 0,
                AnnounceEvent.STARTED, true, false, 50, null).toQueryString();
        Bencode answer = RawHttp.announce(PROXY, trackerPort, passkey, query, "X-Forwarded-For: " + client + "\r\n")
                .bencode();
        return answer.has("failure reason") ? answer.text("failure reason") : null;
    }

    @Test
    void scrapesAreLimitedPerPasskey() {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(100);
        TestClient client = client(user, torrent, "-TR3000-", "127.0.0.82");
        String scrape = "/scrape/" + user.passkey() + "?info_hash=" + TestClient.encoded(torrent);
        assertThat(client.request(scrape).bencode().has("files")).isTrue();
        assertThat(client.request(scrape).bencode().has("files")).isTrue();
        Bencode limited = client.request(scrape).bencode();
        assertThat(limited.text("failure reason")).isEqualTo("scrape limit reached: at most 2 scrapes per 60 s");
        assertThat(limited.integer("retry in")).as("a temporary refusal: minutes until the window ends").isEqualTo(1);
        assertThat(client.announce(0, 0, 0, AnnounceEvent.STARTED).has("failure reason")).as("announces go on").isFalse();
    }

    @Test
    void oversizedHeadersAreRefusedWithoutAServerError() throws Exception {
        RawHttp.Response answer = RawHttp.send(InetAddress.getByName("127.0.0.83"), trackerPort, "GET /announce/x HTTP/1.1\r\n"
                + "Host: tracker\r\nX-Padding: " + "a".repeat(64 * 1024) + "\r\nConnection: close\r\n\r\n");
        assertThat(answer.status()).isBetween(400, 499);
        assertThat(answer.bencode().text("failure reason")).isEqualTo("request line or headers too large");

        RawHttp.Response controlCharacter = RawHttp.send(InetAddress.getByName("127.0.0.83"), trackerPort,
                "GET /announce/\u0001x HTTP/1.1\r\nHost: tracker\r\nConnection: close\r\n\r\n");
        // the request line is whole: the passkey it names is refused like any other malformed one
        assertThat(controlCharacter.status()).isEqualTo(200);
        assertThat(controlCharacter.bencode().has("failure reason")).isTrue();
    }
}
