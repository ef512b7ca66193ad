package org.swarmkeeper.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The admin API over real HTTP, as an operator's script would use it. */
public final class AdminClient {

    public record Answer(int status, JsonNode json) {
    }

    public record CreatedUser(long id, String passkey) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String base;
    private final String token;

    public AdminClient(int port, String token) {
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
    }

    public Answer get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Answer post(String path, String json) {
        return withJson("POST", path, json);
    }

    public Answer patch(String path, String json) {
        return withJson("PATCH", path, json);
    }

    public Answer put(String path, String json) {
        return withJson("PUT", path, json);
    }

    private Answer withJson(String method, String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)));
    }

    public Answer delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    public Answer delete(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .method("DELETE", HttpRequest.BodyPublishers.ofString(json)));
    }

    public Answer getWithoutToken(String path) {
        return exchange(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }

    /** POSTs bytes of the given content type, such as a .torrent file. */
    public Answer post(String path, String contentType, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** A body that is not JSON (Prometheus text, HTML), with the token. */
    public String text(String path) {
        return call(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .GET().build()).body();
    }

    public CreatedUser createUser(String name) {
        Answer answer = post("/api/users", "{\"name\":\"" + name + "\"}");
        if (answer.status() != 201) {
            throw new AssertionError("user not created: " + answer);
        }
        return new CreatedUser(answer.json().get("id").asLong(), answer.json().get("passkey").asString());
    }

    public void registerTorrent(String infoHashHex, long size) {
        Answer answer = post("/api/torrents",
                "{\"infoHash\":\"" + infoHashHex + "\",\"name\":\"t-" + infoHashHex + "\",\"size\":" + size + "}");
        if (answer.status() != 201) {
            throw new AssertionError("torrent not registered: " + answer);
        }
    }

    public JsonNode user(long id) {
        return get("/api/users/" + id).json();
    }

    private Answer send(HttpRequest.Builder request) {
        return exchange(request.header("Authorization", "Bearer " + token).build());
    }

    private static Answer exchange(HttpRequest request) {
        HttpResponse<String> response = call(request);
        String body = response.body();
        return new Answer(response.statusCode(), body.isEmpty() ? null : JSON.readTree(body));
    }

    private static HttpResponse<String> call(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
