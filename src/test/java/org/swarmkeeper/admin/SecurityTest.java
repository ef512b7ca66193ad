package org.swarmkeeper.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.support.AdminClient.Answer;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.RawHttp;
import org.swarmkeeper.support.TrackerIntegrationTest;

/**
 * The admin API and Actuator need credentials with the right scope; the tracker's own paths need none. Tokens
 * are stored hashed and stop working when revoked; admin users log in with Basic credentials.
 */
class SecurityTest extends TrackerIntegrationTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private HttpResponse<String> call(String method, String path, String authorization, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String token(String name, String scopes) {
        Answer created = admin.post("/api/tokens", "{\"name\":\"" + name + System.nanoTime() % 100000
                + "\",\"scopes\":[" + scopes + "]}");
        assertThat(created.status()).isEqualTo(201);
        return "Bearer " + created.json().get("token").asString();
    }

    @Test
    void withoutCredentialsTheApiAndMetricsAnswer401AndHealthAndTheTrackerStayOpen() throws Exception {
        HttpResponse<String> anonymous = call("GET", "/api/users/1", null, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(anonymous.body()).contains("\"status\":401");
        assertThat(call("GET", "/api/users/1", "Bearer not-a-token", null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/actuator/prometheus", null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/actuator/health", null, null).statusCode()).isEqualTo(200);
        assertThat(new String(RawHttp.get(trackerPort, "/announce").body(), StandardCharsets.ISO_8859_1))
                .contains("failure reason");
    }

    @Test
    void eachScopeOpensItsCallsAndNoOthers() throws Exception {
        CreatedUser user = newUser();
        String reader = token("reader", "\"read\"");
        assertThat(call("GET", "/api/users/" + user.id(), reader, null).statusCode()).isEqualTo(200);
        HttpResponse<String> denied = call("POST", "/api/users", reader, "{\"name\":\"nope" + user.id() + "\"}");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.body()).contains("lack the scope");
        assertThat(call("GET", "/actuator/prometheus", reader, null).statusCode()).isEqualTo(403);

        String writer = token("writer", "\"write\"");
        assertThat(call("PATCH", "/api/users/" + user.id(), writer, "{\"immune\":true}").statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/tokens", writer, null).statusCode()).as("tokens need admin").isEqualTo(403);

        String metrics = token("grafana", "\"metrics\"");
        assertThat(call("GET", "/actuator/prometheus", metrics, null).body()).contains("tracker_ledger_pending");
        assertThat(call("GET", "/api/users/" + user.id(), metrics, null).statusCode()).isEqualTo(403);
    }

    @Test
    void aRevokedTokenStopsAtOnceAndOnlyItsHashIsStored() throws Exception {
        Answer created = admin.post("/api/tokens", "{\"name\":\"temp" + System.nanoTime() % 100000
                + "\",\"scopes\":[\"read\"]}");
        String secret = created.json().get("token").asString();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM api_tokens WHERE token_sha256 = ?", Long.class, secret))
                .isZero();
        assertThat(call("GET", "/api/tokens", "Bearer " + secret, null).statusCode()).isEqualTo(403);
        assertThat(admin.delete("/api/tokens/" + created.json().get("id").asLong()).status()).isEqualTo(204);
        assertThat(call("GET", "/api/users/1", "Bearer " + secret, null).statusCode()).isEqualTo(401);
        assertThat(admin.get("/api/tokens").json().toString()).doesNotContain(secret);
    }

    @Test
    void adminUsersLogInWithBasicCredentialsAndTheirScopes() throws Exception {
        String name = "operator" + System.nanoTime() % 100000;
        assertThat(admin.post("/api/admin-users", "{\"name\":\"" + name
                + "\",\"password\":\"correct horse battery\",\"scopes\":[\"read\"]}").status()).isEqualTo(201);
        assertThat(admin.post("/api/admin-users", "{\"name\":\"" + name + "x\",\"password\":\"short\",\"scopes\":[\"read\"]}")
                .json().get("errors").propertyNames()).containsExactly("password");
        String basic = "Basic " + Base64.getEncoder().encodeToString((name + ":correct horse battery")
                .getBytes(StandardCharsets.UTF_8));
        String wrong = "Basic " + Base64.getEncoder().encodeToString((name + ":wrong password!!")
                .getBytes(StandardCharsets.UTF_8));
        CreatedUser user = newUser();
        assertThat(call("GET", "/api/users/" + user.id(), basic, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/users/" + user.id(), wrong, null).statusCode()).isEqualTo(401);
        assertThat(call("POST", "/api/users", basic, "{\"name\":\"x" + user.id() + "\"}").statusCode()).isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT password_hash FROM admin_users WHERE name = ?", String.class, name))
                .startsWith("$2").doesNotContain("correct horse");
        assertThat(admin.post("/api/admin-users", "{\"name\":\"" + name + "y\",\"password\":\"" + "é".repeat(40)
                + "\",\"scopes\":[\"read\"]}").status()).as("over BCrypt's 72 bytes").isEqualTo(400);

        long id = -1;
        for (var adminUser : admin.get("/api/admin-users").json()) {
            if (adminUser.get("name").asString().equals(name)) {
                id = adminUser.get("id").asLong();
            }
        }
        assertThat(admin.delete("/api/admin-users/" + id).status()).isEqualTo(204);
        assertThat(call("GET", "/api/users/" + user.id(), basic, null).statusCode()).as("removed").isEqualTo(401);
    }

    @Test
    void pathTricksDoNotReachTheApiWithoutCredentials() {
        for (String path : new String[] {"//api/users/1", "/API/users/1", "/x/../api/users/1", "/api/users/1/",
                "/%61pi/users/1", "/api;x=1/users/1"}) {
            RawHttp.Response answer = RawHttp.get(port, path);
            assertThat(answer.status()).as(path).isNotEqualTo(200);
            assertThat(new String(answer.body(), StandardCharsets.ISO_8859_1)).as(path).doesNotContain("\"passkey\"")
                    .doesNotContain("\"uploaded\"");
        }
    }
}
