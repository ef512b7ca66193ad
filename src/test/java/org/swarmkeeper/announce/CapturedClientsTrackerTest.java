package org.swarmkeeper.announce;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.CapturedClients;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.RawHttp;
import org.swarmkeeper.support.TrackerIntegrationTest;

/**
 * The verbatim requests of six real clients, each from its own address and with its own passkey, form one
 * swarm: HTTP/1.0 without Host (ctorrent), keep-alive (Transmission, aria2), literal sub-delimiters and binary
 * bytes in peer_id and key, no numwant (rTorrent).
 */
class CapturedClientsTrackerTest extends TrackerIntegrationTest {

    @Test
    void everyCapturedClientJoinsOneSwarmAndSeesTheSeeder() throws UnknownHostException {
        admin.post("/api/torrents", "{\"infoHash\":\"" + CapturedClients.INFO_HASH_HEX
                + "\",\"name\":\"captured\",\"size\":16777216}");
        int joined = 0;
        for (CapturedClients.Capture capture : CapturedClients.STARTED) {
            CreatedUser user = newUser();
            RawHttp.Response response = RawHttp.send(InetAddress.getByName(capture.from()), trackerPort,
                    capture.withPasskey(user.passkey()));
            assertThat(response.status()).as(capture.client()).isEqualTo(200);
            Bencode answer = response.bencode();
            assertThat(answer.has("failure reason")).as(capture.client()).isFalse();
            assertThat(answer.bytes("external ip")).as(capture.client())
                    .isEqualTo(InetAddress.getByName(capture.from()).getAddress());
            joined++;
            if (joined > 1) {
                // Everyone after Transmission leeches and is given the Transmission seeder at 127.0.0.10:53114.
                assertThat(answer.integer("complete")).isEqualTo(1);
                assertThat(answer.integer("incomplete")).isEqualTo(joined - 1);
                assertThat(answer.bytes("peers")).hasSize(6 * (joined - 1));
                assertThat(containsEndpoint(answer.bytes("peers"), new byte[] {127, 0, 0, 10, (byte) 0xcf, (byte) 0x7a}))
                        .as(capture.client()).isTrue();
            }
        }
    }

    private static boolean containsEndpoint(byte[] peers, byte[] endpoint) {
        for (int i = 0; i < peers.length; i += 6) {
            if (java.util.Arrays.equals(peers, i, i + 6, endpoint, 0, 6)) {
                return true;
            }
        }
        return false;
    }
}
