package org.swarmkeeper.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.Answer;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TorrentTools;
import org.swarmkeeper.support.TrackerIntegrationTest;
import tools.jackson.databind.JsonNode;

/**
 * Registering torrents by uploading .torrent files made by real tools: the hashes are the tools' own, the
 * torrent is then announceable, and a hybrid torrent's two hashes lead to one swarm.
 */
class TorrentUploadTest extends TrackerIntegrationTest {

    private static final Map<String, Integer> FILES = Map.of("upload/a.bin", 100_000, "upload/b.bin", 5_555);

    @TempDir
    Path work;

    private TorrentTools tools;

    @BeforeEach
    void tools() {
        tools = new TorrentTools(work);
    }

    @Test
    void mktorrentFileSentAsTheBodyIsRegisteredUnderTheHashTransmissionShows() throws Exception {
        Path torrent = tools.v1("mktorrent", tools.content(FILES), true, "mk.torrent");
        Answer answer = admin.post("/api/torrents", "application/x-bittorrent", Files.readAllBytes(torrent));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
        JsonNode registered = answer.json().get("torrent");
        assertThat(registered.get("infoHash").asString()).isEqualTo(tools.transmissionShowHash(torrent));
        assertThat(registered.get("infoHashV2").isNull()).isTrue();
        assertThat(registered.get("name").asString()).isEqualTo("upload");
        assertThat(registered.get("size").asLong()).isEqualTo(105_555);
        assertThat(answer.json().get("fileCount").asInt()).isEqualTo(2);
        assertThat(answer.json().get("announceUrl").asString()).isEqualTo("http://127.0.0.1:" + trackerPort + "/announce/{passkey}");

        InfoHash hash = InfoHash.fromHex(registered.get("infoHash").asString());
        Bencode announced = client(newUser(), hash, "-qB4520-", "127.0.4.1").announce(0, 0, 105_555,
                AnnounceEvent.STARTED);
        assertThat(announced.has("failure reason")).isFalse();
        assertThat(admin.post("/api/torrents", "application/x-bittorrent", Files.readAllBytes(torrent)).status())
                .as("the same file twice").isEqualTo(409);
    }

    @Test
    void transmissionCreateFileSentAsAFormIsRegistered() throws Exception {
        Path torrent = tools.v1("transmission-create", tools.content(FILES), true, "tr.torrent");
        String boundary = "----swarmkeeper-test";
        ByteArrayOutputStream form = new ByteArrayOutputStream();
        form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"tr.torrent\""
                + "\r\nContent-Type: application/x-bittorrent\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        form.writeBytes(Files.readAllBytes(torrent));
        form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));

        Answer answer = admin.post("/api/torrents", "multipart/form-data; boundary=" + boundary, form.toByteArray());
        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
        assertThat(answer.json().get("torrent").get("infoHash").asString())
                .isEqualTo(tools.transmissionShowHash(torrent));
    }

    @Test
    void hybridTorrentFromLibtorrentIsOneSwarmUnderBothHashes() throws Exception {
        TorrentTools.Libtorrent made = tools.libtorrent("hybrid", tools.content(FILES));
        Answer answer = admin.post("/api/torrents", "application/x-bittorrent", Files.readAllBytes(made.torrent()));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
        JsonNode registered = answer.json().get("torrent");
        assertThat(registered.get("infoHash").asString()).isEqualTo(made.reported().get("v1"));
        assertThat(registered.get("infoHashV2").asString()).isEqualTo(made.reported().get("v2"));
        assertThat(registered.get("size").asLong()).as("without padding files").isEqualTo(105_555);
        assertThat(answer.json().get("hybrid").asBoolean()).isTrue();

        InfoHash viaV1 = InfoHash.fromHex(made.reported().get("v1"));
        InfoHash viaV2 = InfoHash.truncatedV2(HexFormat.of().parseHex(made.reported().get("v2")));
        TestClient seeder = client(newUser(), viaV1, "-qB4520-", "127.0.4.2");
        seeder.announce(0, 0, 0, AnnounceEvent.STARTED);
        Bencode leecher = client(newUser(), viaV2, "-qB4520-", "127.0.4.3").announce(0, 0, 105_555,
                AnnounceEvent.STARTED);
        assertThat(leecher.integer("complete")).as("the seeder announced under the v1 hash").isEqualTo(1);
        assertThat(leecher.bytes("peers")).hasSize(6);
        assertThat(admin.get("/api/torrents/" + viaV1.hex()).json().get("leechers").asInt()).isEqualTo(1);
    }

    @Test
    void pureV2TorrentIsAnnouncedUnderItsTruncatedHash() throws Exception {
        TorrentTools.Libtorrent made = tools.libtorrent("v2", tools.content(FILES));
        Answer answer = admin.post("/api/torrents", "application/x-bittorrent", Files.readAllBytes(made.torrent()));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
        InfoHash truncated = InfoHash.truncatedV2(HexFormat.of().parseHex(made.reported().get("v2")));
        assertThat(answer.json().get("torrent").get("infoHash").asString()).isEqualTo(truncated.hex());
        assertThat(answer.json().get("torrent").get("infoHashV2").asString()).isEqualTo(made.reported().get("v2"));
        Bencode announced = client(newUser(), truncated, "-qB4520-", "127.0.4.4").announce(0, 0, 0,
                AnnounceEvent.STARTED);
        assertThat(announced.integer("complete")).isEqualTo(1);
    }

    @Test
    void publicGarbageAndOversizedFilesAreRefusedAndRegisterNothing() throws Exception {
        Path open = tools.v1("mktorrent", tools.content(FILES), false, "public.torrent");
        Answer publicTorrent = admin.post("/api/torrents", "application/x-bittorrent", Files.readAllBytes(open));
        assertThat(publicTorrent.status()).isEqualTo(400);
        assertThat(publicTorrent.json().get("errors").get("file").asString()).startsWith("not a private torrent");
        assertThat(admin.get("/api/torrents/" + tools.transmissionShowHash(open)).status()).isEqualTo(404);

        Answer garbage = admin.post("/api/torrents", "application/x-bittorrent", "<html>".getBytes(StandardCharsets.UTF_8));
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.json().get("errors").get("file").asString())
                .startsWith("not a usable .torrent file: not bencoded");

        Answer huge = admin.post("/api/torrents", "application/x-bittorrent", new byte[10 * 1024 * 1024 + 1]);
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.json().get("detail").asString()).contains("tracker.torrents.max-file-size");
    }
}
