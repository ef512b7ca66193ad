package org.swarmkeeper.front;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.AnnounceRequest;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.RawHttp;
import org.swarmkeeper.support.TrackerIntegrationTest;

/**
 * Behind a trusted reverse proxy the client is the right-most X-Forwarded-For hop that is not a proxy; from
 * anywhere else the header, like the ip parameters, is ignored.
 */
@TestPropertySource(properties = "tracker.network.trusted-proxies=127.0.0.70, 127.0.0.72/31")
class TrustedProxyTest extends TrackerIntegrationTest {

    private byte[] externalIp(String from, String forwardedFor) throws Exception {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(100);
        String query = new AnnounceRequest(torrent, PeerId.of("-TR3000-proxy0000000".getBytes()), 51413, 0, 0, 0,
                AnnounceEvent.STARTED, true, false, 50, null).toQueryString() + "&ip=192.0.2.99";
        Bencode answer = RawHttp.announce(from, trackerPort, user.passkey(), query, "User-Agent: Transmission/3.00\r\n"
                + (forwardedFor == null ? "" : "X-Forwarded-For: " + forwardedFor + "\r\n")).bencode();
        assertThat(answer.has("failure reason")).as(answer.raw().toString()).isFalse();
        return answer.bytes("external ip");
    }

    @Test
    void theRightMostUntrustedHopIsTheClient() throws Exception {
        assertThat(externalIp("127.0.0.70", "198.51.100.7, 203.0.113.9"))
                .isEqualTo(InetAddress.getByName("203.0.113.9").getAddress());
        assertThat(externalIp("127.0.0.70", "198.51.100.7, 203.0.113.9, 127.0.0.73"))
                .as("a chain of trusted proxies").isEqualTo(InetAddress.getByName("203.0.113.9").getAddress());
        assertThat(externalIp("127.0.0.70", "2001:db8::5"))
                .isEqualTo(InetAddress.getByName("2001:db8::5").getAddress());
        assertThat(externalIp("127.0.0.70", "203.0.113.9:5678")).as("a hop with its port")
                .isEqualTo(InetAddress.getByName("203.0.113.9").getAddress());
        assertThat(externalIp("127.0.0.70", "[2001:db8::5]:443")).as("a bracketed IPv6 hop with its port")
                .isEqualTo(InetAddress.getByName("2001:db8::5").getAddress());
    }

    @Test
    void theHeaderCountsOnlyFromTrustedProxiesAndOnlyWithLiteralAddresses() throws Exception {
        assertThat(externalIp("127.0.0.71", "203.0.113.9")).as("not a trusted proxy")
                .isEqualTo(new byte[] {127, 0, 0, 71});
        assertThat(externalIp("127.0.0.70", null)).isEqualTo(new byte[] {127, 0, 0, 70});
        assertThat(externalIp("127.0.0.70", "203.0.113.9, tracker.example"))
                .as("a hop that is no address: stop there").isEqualTo(new byte[] {127, 0, 0, 70});
    }
}
