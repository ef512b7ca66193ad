package org.swarmkeeper.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.Answer;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.RawHttp;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;

/** Passkey rotation, import of existing passkeys, and passkeys kept out of every log line. */
@ExtendWith(OutputCaptureExtension.class)
class PasskeyTest extends TrackerIntegrationTest {

    private static String failure(TestClient client) {
        var answer = client.announce(0, 0, 0, AnnounceEvent.STARTED);
        return answer.has("failure reason") ? answer.text("failure reason") : null;
    }

    @Test
    void aRotatedPasskeyStopsWorkingAtOnceAndTheNewOneWorks(CapturedOutput output) {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(100);
        assertThat(failure(client(user, torrent, "-TR3000-", "127.0.0.62"))).isNull();

        Answer rotated = admin.post("/api/users/" + user.id() + "/passkey", "");
        assertThat(rotated.status()).isEqualTo(200);
        String newPasskey = rotated.json().get("passkey").asString();
        assertThat(newPasskey).matches("[0-9a-f]{32}").isNotEqualTo(user.passkey());
        assertThat(rotated.json().get("announceUrl").asString()).endsWith("/announce/" + newPasskey);

        assertThat(failure(client(user, torrent, "-TR3000-", "127.0.0.62"))).isEqualTo("unknown passkey");
        assertThat(failure(new TestClient(trackerPort, newPasskey, torrent, "-TR3000-", "127.0.0.63"))).isNull();
        assertThat(admin.post("/api/users/999999999/passkey", "").status()).isEqualTo(404);

        assertThat(output).contains("Rotated the passkey of user " + user.id() + " (" + user.passkey().substring(0, 4) + "…");
        assertThat(output).doesNotContain(user.passkey()).doesNotContain(newPasskey);
    }

    @Test
    void anExistingPasskeyCanBeImportedOnceAndInEitherHexCase() {
        String passkey = HexFormat.of().formatHex(randomBytes(16));
        String name = "imported-" + passkey.substring(0, 8);
        Answer created = admin.post("/api/users", "{\"name\":\"" + name + "\",\"passkey\":\""
                + passkey.toUpperCase(Locale.ROOT) + "\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("passkey").asString()).isEqualTo(passkey);
        assertThat(failure(new TestClient(trackerPort, passkey, newTorrent(100), "-TR3000-", "127.0.0.64"))).isNull();

        assertThat(admin.post("/api/users", "{\"name\":\"other-" + name + "\",\"passkey\":\"" + passkey + "\"}").status())
                .as("a passkey belongs to one user").isEqualTo(409);
        Answer malformed = admin.post("/api/users", "{\"name\":\"bad-" + name + "\",\"passkey\":\"xyz\"}");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("errors").propertyNames()).containsExactly("passkey");
    }

    @Test
    void noRequestWritesAPasskeyToTheLog(CapturedOutput output) {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(100);
        String unknown = HexFormat.of().formatHex(randomBytes(16));
        client(user, torrent, "-TR3000-", "127.0.0.65").announce(0, 0, 0, AnnounceEvent.STARTED);
        RawHttp.get(trackerPort, "/announce/" + user.passkey() + "?info_hash=short");
        RawHttp.get(trackerPort, "/announce/" + unknown + "?info_hash=short");
        RawHttp.get(trackerPort, "/scrape/" + user.passkey() + "?info_hash=" + "%00".repeat(20));
        RawHttp.get(trackerPort, "/announce/" + user.passkey() + "/../x%ZZ");
        admin.patch("/api/users/" + user.id(), "{\"canLeech\":false}");
        client(user, torrent, "-TR3000-", "127.0.0.65").announce(0, 0, 100, AnnounceEvent.NONE);
        assertThat(output).doesNotContain(user.passkey()).doesNotContain(unknown);
        assertThat(metricsText()).as("no metric tag carries a passkey").contains("tracker_announce")
                .doesNotContain(user.passkey()).doesNotContain(unknown);
    }

    private String metricsText() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                    .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
