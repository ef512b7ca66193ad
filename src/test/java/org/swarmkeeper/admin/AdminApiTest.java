package org.swarmkeeper.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.support.AdminClient.Answer;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.TrackerIntegrationTest;

class AdminApiTest extends TrackerIntegrationTest {

    @Test
    void everyApiCallNeedsTheBearerToken() {
        Answer answer = admin.getWithoutToken("/api/users/1");
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().get("status").asInt()).isEqualTo(401);
    }

    @Test
    void createdUserGetsAPasskeyAndTheAnnounceUrlToEmbed() {
        Answer created = admin.post("/api/users", "{\"name\":\"announce-url-user\"}");
        assertThat(created.status()).isEqualTo(201);
        String passkey = created.json().get("passkey").asString();
        assertThat(passkey).matches("[0-9a-f]{32}");
        assertThat(created.json().get("announceUrl").asString()).endsWith("/announce/" + passkey);
        assertThat(admin.post("/api/users", "{\"name\":\"announce-url-user\"}").status()).isEqualTo(409);
    }

    @Test
    void invalidInputIsAProblemDetailNamingEachField() {
        Answer badUser = admin.post("/api/users", "{\"name\":\"no spaces allowed\"}");
        assertThat(badUser.status()).isEqualTo(400);
        assertThat(badUser.json().get("errors").get("name").asString()).contains("1 to 64");

        Answer badTorrent = admin.post("/api/torrents", "{\"infoHash\":\"xyz\",\"size\":-1}");
        assertThat(badTorrent.status()).isEqualTo(400);
        assertThat(badTorrent.json().get("errors").propertyNames()).containsExactlyInAnyOrder("infoHash", "name", "size");

        Answer notJson = admin.post("/api/torrents", "{not json");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().get("title").asString()).isEqualTo("Bad Request");
    }

    @Test
    void policyInputsOfTheWrongTypeOrOutOfRangeAreProblemDetailsNeverServerErrors() {
        CreatedUser user = newUser();
        String[][] patches = {
                {"{\"freeleechTokens\":99999999999999999999}", "freeleechTokens"},
                {"{\"freeleechTokens\":-1}", "freeleechTokens"},
                {"{\"freeleechTokens\":1.5}", "freeleechTokens"},
                {"{\"personalFreeleechUntil\":{}}", "personalFreeleechUntil"},
                {"{\"personalFreeleechUntil\":\"+1000000000-01-01T00:00:00Z\"}", "personalFreeleechUntil"},
                {"{\"personalFreeleechUntil\":\"tomorrow\"}", "personalFreeleechUntil"},
                {"{\"canLeech\":\"yes\"}", "canLeech"},
                {"{\"disabledReason\":\"\"}", "disabledReason"},
                {"{\"ratio\":10}", "ratio"}};
        for (String[] patch : patches) {
            Answer answer = admin.patch("/api/users/" + user.id(), patch[0]);
            assertThat(answer.status()).as(patch[0]).isEqualTo(400);
            assertThat(answer.json().get("errors").propertyNames()).as(patch[0]).containsExactly(patch[1]);
        }
        Answer farFuture = admin.post("/api/site-events", "{\"name\":\"x\",\"downloadFactor\":0,"
                + "\"startsAt\":\"+1000000000-01-01T00:00:00Z\",\"endsAt\":\"+1000000001-01-01T00:00:00Z\"}");
        assertThat(farFuture.status()).isEqualTo(400);
        assertThat(farFuture.json().get("errors").propertyNames()).containsExactlyInAnyOrder("startsAt", "endsAt");
        Answer azureusPrefix = admin.post("/api/clients", "{\"prefix\":\"-q\",\"name\":\"x\",\"minVersion\":\"1\"}");
        assertThat(azureusPrefix.status()).isEqualTo(400);
        assertThat(admin.patch("/api/torrents/" + "ab".repeat(20), "{\"downloadFactor\":\"free\"}").status())
                .isEqualTo(400);
        assertThat(admin.user(user.id()).get("freeleechTokens").asInt()).as("nothing changed").isZero();
    }

    @Test
    void unknownUsersAndTorrentsAreNotFoundAndDuplicateHashesConflict() {
        assertThat(admin.get("/api/users/999999999").status()).isEqualTo(404);
        assertThat(admin.get("/api/torrents/" + "ab".repeat(20)).status()).isEqualTo(404);
        String hash = newTorrent(5).hex();
        assertThat(admin.post("/api/torrents", "{\"infoHash\":\"" + hash.toUpperCase() + "\",\"name\":\"again\",\"size\":5}")
                .status()).isEqualTo(409);
    }

    @Test
    void torrentViewListsLivePeersWithTheirUserAndClient() {
        CreatedUser user = newUser();
        var torrent = newTorrent(100);
        client(user, torrent, "-TR3000-", "127.0.0.80").announce(10, 20, 30, org.swarmkeeper.protocol.AnnounceEvent.STARTED);
        var view = admin.get("/api/torrents/" + torrent.hex()).json();
        assertThat(view.get("leechers").asInt()).isEqualTo(1);
        var peer = view.get("peers").get(0);
        assertThat(peer.get("userId").asLong()).isEqualTo(user.id());
        assertThat(peer.get("client").asString()).isEqualTo("Transmission/3.00");
        assertThat(peer.get("addresses").get(0).asString()).startsWith("127.0.0.80:");
        assertThat(peer.get("left").asLong()).isEqualTo(30);
        assertThat(admin.user(user.id()).get("activeLeeching").asLong()).isEqualTo(1);
    }
}
