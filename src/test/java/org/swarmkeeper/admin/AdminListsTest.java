package org.swarmkeeper.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.AdminClient.Answer;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;
import tools.jackson.databind.JsonNode;

/** The admin lists: paging, sorting, search and filters, over real HTTP and PostgreSQL. */
class AdminListsTest extends TrackerIntegrationTest {

    private final String prefix = "lst" + ThreadLocalRandom.current().nextInt(1_000_000) + "-";

    @Test
    void usersArePagedSortedSearchedAndFiltered() {
        long low = createUser("low", 100, 1000);        // ratio 0.1
        long even = createUser("even", 500, 500);       // ratio 1.0
        long fresh = createUser("fresh", 700, 0);       // ratio ∞: nothing downloaded
        InfoHash torrent = newTorrent(1000);
        long torrentId = jdbc.queryForObject("SELECT id FROM torrents WHERE info_hash = ?", Long.class,
                (Object) torrent.toBytes());
        jdbc.update("""
                INSERT INTO user_standing (user_id, ratio, required_ratio, seeding_share, watch_started_at,
                                           watch_ends_at, watch_downloaded_at_start, evaluated_at)
                VALUES (?, 0.1, 0.15, 0, now(), now() + interval '14 days', 1000, now())""", low);
        jdbc.update("""
                INSERT INTO hit_and_runs (user_id, torrent_id, state, deadline, prewarned_at, struck_at)
                VALUES (?, ?, 'struck', now(), now(), now())""", even, torrentId);
        jdbc.update("""
                INSERT INTO policy_events (user_id, torrent_id, rule, outcome, code, message, created_at, last_at, count)
                VALUES (?, ?, 'cheat', 'flag', 'upload_speed', 'test', now(), now(), 2)""", fresh, torrentId);

        assertThat(names("sort=ratio,asc")).containsExactly("low", "even", "fresh");
        assertThat(names("sort=ratio,desc")).containsExactly("fresh", "even", "low");
        assertThat(names("sort=uploaded,desc")).containsExactly("fresh", "even", "low");
        assertThat(names("sort=name")).containsExactly("even", "fresh", "low");
        assertThat(names("onWatch=true")).containsExactly("low");
        assertThat(names("struck=true")).containsExactly("even");
        assertThat(names("flagged=true")).containsExactly("fresh");
        assertThat(names("flagged=false&sort=name")).containsExactly("even", "low");

        JsonNode second = admin.get("/api/users?search=" + prefix + "&sort=name&size=2&page=1").json();
        assertThat(second.get("totalItems").asLong()).isEqualTo(3);
        assertThat(second.get("totalPages").asInt()).isEqualTo(2);
        assertThat(second.get("items")).hasSize(1);
        JsonNode lowRow = admin.get("/api/users?search=" + prefix + "low").json().get("items").get(0);
        assertThat(lowRow.get("ratio").asDouble()).isEqualTo(0.1);
        assertThat(lowRow.get("onWatch").asBoolean()).isTrue();
        JsonNode freshRow = admin.get("/api/users?search=" + prefix + "fresh").json().get("items").get(0);
        assertThat(freshRow.get("ratio").isNull()).isTrue();
        assertThat(freshRow.get("cheatFlags").asLong()).as("one row of two findings").isEqualTo(2);
        JsonNode past = admin.get("/api/users?search=" + prefix + "&page=5").json();
        assertThat(past.get("items")).isEmpty();
        assertThat(past.get("totalItems").asLong()).as("the total, even past the end").isEqualTo(3);
    }

    private long createUser(String name, long uploaded, long downloaded) {
        long id = admin.createUser(prefix + name).id();
        jdbc.update("UPDATE users SET uploaded = ?, downloaded = ? WHERE id = ?", uploaded, downloaded, id);
        return id;
    }

    private List<String> names(String query) {
        return listedNames("/api/users", query);
    }

    private List<String> torrentNames(String query) {
        return listedNames("/api/torrents", query);
    }

    /** The names on a list page of this test's entries, without their prefix, in the order listed. */
    private List<String> listedNames(String list, String query) {
        List<String> names = new ArrayList<>();
        admin.get(list + "?search=" + prefix + "&" + query).json().get("items")
                .forEach(item -> names.add(item.get("name").asString().substring(prefix.length())));
        return names;
    }

    @Test
    void torrentsAreListedWithLiveNumbersSortedByEachKey() {
        InfoHash crowded = register("crowded", 3000);
        InfoHash quiet = register("quiet", 1000);
        InfoHash empty = register("empty", 2000);
        for (int i = 0; i < 3; i++) {
            client(newUser(), crowded, "-qB4520-", "127.0.1." + (i + 1)).announce(0, 0, i == 0 ? 0 : 3000,
                    AnnounceEvent.STARTED);
        }
        client(newUser(), quiet, "-TR3000-", "127.0.1.9").announce(0, 0, 0, AnnounceEvent.STARTED);

        assertThat(torrentNames("sort=seeders,desc")).startsWith("crowded", "quiet").contains("empty");
        assertThat(torrentNames("sort=leechers,desc")).startsWith("crowded");
        assertThat(torrentNames("sort=peers,desc")).containsExactly("crowded", "quiet", "empty");
        assertThat(torrentNames("sort=size,asc")).containsExactly("quiet", "empty", "crowded");
        assertThat(torrentNames("sort=age,asc")).as("youngest first").containsExactly("empty", "quiet", "crowded");
        assertThat(torrentNames("sort=name")).containsExactly("crowded", "empty", "quiet");

        JsonNode row = admin.get("/api/torrents?search=" + prefix + "crowded").json().get("items").get(0);
        assertThat(row.get("infoHash").asString()).isEqualTo(crowded.hex());
        assertThat(row.get("seeders").asInt()).isEqualTo(1);
        assertThat(row.get("leechers").asInt()).isEqualTo(2);
        assertThat(row.get("size").asLong()).isEqualTo(3000);
        assertThat(row.get("createdAt").isNull()).isFalse();
        JsonNode page = admin.get("/api/torrents?search=" + prefix + "&sort=name&size=2&page=1").json();
        assertThat(page.get("totalItems").asLong()).isEqualTo(3);
        assertThat(page.get("items")).hasSize(1);
        assertThat(page.get("items").get(0).get("infoHash").asString()).isEqualTo(quiet.hex());
        assertThat(empty).isNotNull();
    }

    private InfoHash register(String name, long size) {
        byte[] hash = new byte[20];
        ThreadLocalRandom.current().nextBytes(hash);
        InfoHash infoHash = InfoHash.of(hash);
        assertThat(admin.post("/api/torrents", "{\"infoHash\":\"" + infoHash.hex() + "\",\"name\":\"" + prefix + name
                + "\",\"size\":" + size + "}").status()).isEqualTo(201);
        return infoHash;
    }

    @Test
    void aUsersHistoryListsEachTorrentWithItsTotals() {
        CreatedUser user = newUser();
        InfoHash first = newTorrent(1000);
        InfoHash second = newTorrent(1000);
        TestClient leeching = client(user, first, "-qB4520-", "127.0.2.1");
        leeching.announce(0, 0, 1000, AnnounceEvent.STARTED);
        leeching.announce(0, 400, 600, AnnounceEvent.NONE);
        TestClient seeding = leeching.under(second);
        seeding.announce(0, 0, 0, AnnounceEvent.STARTED);
        seeding.announce(250, 0, 0, AnnounceEvent.NONE);
        flushLedger();

        JsonNode history = admin.get("/api/users/" + user.id() + "/history?sort=downloaded,desc").json();
        assertThat(history.get("totalItems").asLong()).isEqualTo(2);
        JsonNode top = history.get("items").get(0);
        assertThat(top.get("infoHash").asString()).isEqualTo(first.hex());
        assertThat(top.get("downloaded").asLong()).isEqualTo(400);
        assertThat(history.get("items").get(1).get("uploaded").asLong()).isEqualTo(250);
        assertThat(admin.get("/api/users/999999999/history").status()).isEqualTo(404);
    }

    @Test
    void badPagingSortingAndFilterValuesAreFieldErrors() {
        assertErrors("/api/users?page=-1&size=0", "page", "size");
        assertErrors("/api/users?sort=password", "sort");
        assertErrors("/api/users?sort=name,sideways", "sort");
        assertErrors("/api/users?onWatch=maybe", "onWatch");
        assertErrors("/api/users?page=two", "page");
        assertErrors("/api/torrents?size=501", "size");
        assertErrors("/api/torrents?sort=hash", "sort");
        assertErrors("/api/users/1/history?sort=ratio", "sort");
    }

    private void assertErrors(String path, String... fields) {
        Answer answer = admin.get(path);
        assertThat(answer.status()).as(path).isEqualTo(400);
        assertThat(answer.json().get("errors").propertyNames()).as(path).containsExactlyInAnyOrder(fields);
    }
}
