package org.swarmkeeper.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.TrackerIntegrationTest;
import tools.jackson.databind.JsonNode;

/** The tracker summary, the swarm gauges in Prometheus and the OpenAPI description. */
class SummaryAndMetricsTest extends TrackerIntegrationTest {

    @Test
    void summaryCountsPeersByKindAndClientAnnouncesAndDenials() {
        JsonNode before = admin.get("/api/summary").json();
        InfoHash torrent = newTorrent(1000);
        client(newUser(), torrent, "-qB4520-", "127.0.3.1").announce(0, 0, 0, AnnounceEvent.STARTED);
        client(newUser(), torrent, "-TR3000-", "127.0.3.2").announce(0, 0, 0, AnnounceEvent.STARTED);
        client(newUser(), torrent, "-qB4520-", "127.0.3.3").announce(0, 0, 500, AnnounceEvent.STARTED);
        client(newUser(), torrent, "-qB4520-", "127.0.3.4").announce(0, 0, 500, AnnounceEvent.PAUSED);
        client(newUser(), InfoHash.fromHex("00".repeat(20)), "-qB4520-", "127.0.3.5")
                .announce(0, 0, 500, AnnounceEvent.STARTED); // refused: not registered
        flushLedger();
        JsonNode after = admin.get("/api/summary").json();

        assertThat(delta(before, after, "peers", "seeders")).isEqualTo(2);
        assertThat(delta(before, after, "peers", "leechers")).isEqualTo(1);
        assertThat(delta(before, after, "peers", "partialSeeds")).isEqualTo(1);
        assertThat(delta(before, after, "peers", "total")).isEqualTo(4);
        assertThat(after.get("swarms").asInt() - before.get("swarms").asInt()).isEqualTo(1);
        assertThat(after.get("users").asInt() - before.get("users").asInt()).isEqualTo(5);
        assertThat(after.get("torrents").asLong() - before.get("torrents").asLong()).isEqualTo(1);
        assertThat(clients(after, "qBittorrent") - clients(before, "qBittorrent")).isEqualTo(3);
        assertThat(clients(after, "Transmission") - clients(before, "Transmission")).isEqualTo(1);
        assertThat(after.get("flushLagSeconds").asDouble()).as("all flushed").isZero();

        JsonNode lastHour = after.get("lastHour");
        assertThat(lastHour).hasSize(60);
        JsonNode thisMinute = lastHour.get(59);
        JsonNode thisMinuteBefore = before.get("lastHour").get(59);
        if (thisMinute.get("minute").equals(thisMinuteBefore.get("minute"))) {
            assertThat(thisMinute.get("announces").asLong() - thisMinuteBefore.get("announces").asLong()).isEqualTo(5);
            assertThat(thisMinute.get("denials").asLong() - thisMinuteBefore.get("denials").asLong()).isEqualTo(1);
        }
        assertThat(after.get("announcesPerSecond").get("oneMinute").asDouble())
                .isGreaterThanOrEqualTo(5 / 60.0);
        assertThat(after.get("announcesPerSecond").get("oneHour").asDouble())
                .isLessThanOrEqualTo(after.get("announcesPerSecond").get("fifteenMinutes").asDouble() * 4 + 1e-9);
    }

    private static long delta(JsonNode before, JsonNode after, String group, String field) {
        return after.get(group).get(field).asLong() - before.get(group).get(field).asLong();
    }

    private static long clients(JsonNode summary, String family) {
        JsonNode count = summary.get("clients").get(family);
        return count == null ? 0 : count.asLong();
    }

    @Test
    void prometheusHasPeersSwarmsClientFamiliesAndFlushLag() {
        client(newUser(), newTorrent(1000), "-DE2110-", "127.0.3.9").announce(0, 0, 0, AnnounceEvent.STARTED);
        String metrics = admin.text("/actuator/prometheus");
        assertThat(metrics).contains("tracker_peers{kind=\"seeders\"}", "tracker_peers{kind=\"leechers\"}",
                "tracker_peers{kind=\"partial\"}", "tracker_swarms ", "tracker_clients{family=\"Deluge\"}",
                "tracker_clients{family=\"other\"}", "tracker_ledger_lag_seconds ", "tracker_flush_seconds_count", "tracker_flush_rows_sum",
                "tracker_announce_seconds_count{event=\"started\",result=\"ok\"}");
        assertThat(metrics).doesNotContain("tracker_clients{family=\"Deluge\"} 0.0");
    }

    @Test
    void prometheusTimesThePolicyEvaluations() {
        evaluatePolicy();
        Matcher evaluated = Pattern.compile("tracker_policy_evaluation_seconds_count\\{outcome=\"evaluated\"} ([0-9.]+)")
                .matcher(admin.text("/actuator/prometheus"));
        assertThat(evaluated.find()).as("the timer of evaluations this node ran").isTrue();
        assertThat(Double.parseDouble(evaluated.group(1))).isPositive();
    }

    @Test
    void theOpenApiDescriptionCoversTheAdminApiAndNothingElse() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> docs = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v3/api-docs")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(docs.statusCode()).isEqualTo(200);
        JsonNode paths = tools.jackson.databind.json.JsonMapper.shared().readTree(docs.body()).get("paths");
        assertThat(paths.propertyNames()).contains("/api/users", "/api/users/{id}", "/api/users/{id}/history",
                "/api/torrents", "/api/torrents/{infoHash}", "/api/summary", "/api/flags", "/api/tokens");
        assertThat(paths.propertyNames()).allMatch(path -> path.startsWith("/api/"));
        assertThat(docs.body()).contains("\"bearer\"", "\"basic\"");

        HttpResponse<String> ui = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/swagger-ui.html")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).contains("swagger-ui");
    }
}
