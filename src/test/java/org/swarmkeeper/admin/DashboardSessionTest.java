package org.swarmkeeper.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.support.TrackerIntegrationTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard's session over plain HTTP, as a browser (or a forging site) would use it: sign-in, the API
 * with the session cookie, CSRF on changes that carry only the cookie, scopes, sign-out.
 */
class DashboardSessionTest extends TrackerIntegrationTest {

    private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private static final String PASSWORD = "a long enough passphrase";

    private final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void withoutSigningInTheDashboardRedirectsToTheLoginForm() throws Exception {
        HttpResponse<String> page = get("/admin/");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValueSatisfying(to -> assertThat(to).endsWith("/login"));
        assertThat(get("/admin/user.html").statusCode()).isEqualTo(302);
        assertThat(get("/api/summary").statusCode()).as("the API answers 401, not a redirect").isEqualTo(401);
    }

    @Test
    void aSignedInSessionReadsTheApiButChangesOnlyWithItsCsrfToken() throws Exception {
        signIn(adminUser("read", "write"));
        HttpResponse<String> overview = get("/admin/");
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.body()).contains("Tracker overview");
        assertThat(get("/api/summary").statusCode()).isEqualTo(200);

        String user = "{\"name\":\"csrf" + System.nanoTime() % 1_000_000 + "\"}";
        assertThat(send(post("/api/users", user)).statusCode()).as("forged: the cookie alone").isEqualTo(403);
        JsonNode csrf = JsonMapper.shared().readTree(get("/admin/csrf").body());
        HttpResponse<String> created = send(post("/api/users", user)
                .header(csrf.get("headerName").asString(), csrf.get("token").asString()));
        assertThat(created.statusCode()).isEqualTo(201);

        HttpResponse<String> signedOut = send(HttpRequest.newBuilder(url("/logout"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + csrf.get("token").asString())));
        assertThat(signedOut.statusCode()).isEqualTo(302);
        assertThat(get("/api/summary").statusCode()).as("the session is gone").isEqualTo(401);
    }

    @Test
    void aForgedChangeIsToldAboutTheCsrfTokenAndABearerTokenDoesNotRaiseTheSessionsScopes() throws Exception {
        signIn(adminUser("read"));
        HttpResponse<String> forged = send(post("/api/users", "{\"name\":\"forged\"}"));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("CSRF token");

        HttpResponse<String> withToken = send(post("/api/users", "{\"name\":\"bearer" + System.nanoTime() % 1_000_000
                + "\"}").header("Authorization", "Bearer " + ADMIN_TOKEN));
        assertThat(withToken.statusCode()).as("the token's own scopes, no CSRF needed").isEqualTo(201);
        JsonNode csrf = JsonMapper.shared().readTree(get("/admin/csrf").body());
        HttpResponse<String> sessionOnly = send(post("/api/users", "{\"name\":\"elevated\"}")
                .header(csrf.get("headerName").asString(), csrf.get("token").asString()));
        assertThat(sessionOnly.statusCode()).as("the session still has scope read only").isEqualTo(403);
    }

    @Test
    void removingTheAdminUserEndsItsSessionAtOnce() throws Exception {
        String name = adminUser("read");
        signIn(name);
        assertThat(get("/admin/").statusCode()).isEqualTo(200);
        assertThat(get("/api/summary").statusCode()).isEqualTo(200);

        long id = jdbc.queryForObject("SELECT id FROM admin_users WHERE name = ?", Long.class, name);
        assertThat(admin.delete("/api/admin-users/" + id).status()).isEqualTo(204);
        assertThat(get("/api/summary").statusCode()).as("the session's next call").isEqualTo(401);
        HttpResponse<String> page = get("/admin/");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValueSatisfying(to -> assertThat(to).endsWith("/login"));
    }

    @Test
    void narrowingTheScopesEndsTheSessionAndTheNextOneHasOnlyTheScopesLeft() throws Exception {
        String name = adminUser("read", "write");
        signIn(name);
        String user = "{\"name\":\"narrowed" + System.nanoTime() % 1_000_000 + "\"}";
        assertThat(send(withCsrf(post("/api/users", user))).statusCode()).isEqualTo(201);

        // As a site's own SQL would, or another node: the row is what every node reads.
        jdbc.update("UPDATE admin_users SET scopes = 'read' WHERE name = ?", name);
        HttpResponse<String> page = get("/admin/");
        assertThat(page.statusCode()).as("the session's next request").isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValueSatisfying(to -> assertThat(to).endsWith("/login"));
        assertThat(get("/api/summary").statusCode()).isEqualTo(401);

        signIn(name);
        assertThat(get("/api/summary").statusCode()).isEqualTo(200);
        String another = "{\"name\":\"narrowed" + System.nanoTime() % 1_000_000 + "x\"}";
        assertThat(send(withCsrf(post("/api/users", another))).statusCode()).as("write is gone").isEqualTo(403);
    }

    @Test
    void apiCallsNeverCreateASession() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        for (String path : new String[] {"/api/users", "/actuator/prometheus"}) {
            HttpResponse<String> refused = client.send(HttpRequest.newBuilder(url(path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().allValues("Set-Cookie")).as(path).isEmpty();
        }
        HttpResponse<String> allowed = client.send(HttpRequest.newBuilder(url("/api/summary"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().allValues("Set-Cookie")).isEmpty();
    }

    @Test
    void anAdminUserWithoutReadScopeCannotOpenTheDashboard() throws Exception {
        signIn(adminUser("metrics"));
        assertThat(get("/admin/").statusCode()).isEqualTo(403);
        assertThat(get("/api/summary").statusCode()).isEqualTo(403);
    }

    @Test
    void aWrongPasswordGetsNoSession() throws Exception {
        String name = adminUser("read");
        HttpResponse<String> failed = postLogin(name, "not the password");
        assertThat(failed.headers().firstValue("Location")).hasValueSatisfying(to -> assertThat(to).contains("/login?error"));
        assertThat(get("/api/summary").statusCode()).isEqualTo(401);
    }

    private String adminUser(String... scopes) {
        String name = "session" + System.nanoTime() % 1_000_000;
        String scopeList = String.join("\",\"", scopes);
        assertThat(admin.post("/api/admin-users", "{\"name\":\"" + name + "\",\"password\":\"" + PASSWORD
                + "\",\"scopes\":[\"" + scopeList + "\"]}").status()).isEqualTo(201);
        return name;
    }

    private void signIn(String name) throws Exception {
        HttpResponse<String> signedIn = postLogin(name, PASSWORD);
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("Location")).hasValueSatisfying(to -> assertThat(to).endsWith("/admin/"));
    }

    private HttpResponse<String> postLogin(String name, String password) throws Exception {
        Matcher token = CSRF_INPUT.matcher(get("/login").body());
        assertThat(token.find()).as("the login form carries a CSRF token").isTrue();
        String form = "username=" + encode(name) + "&password=" + encode(password) + "&_csrf=" + encode(token.group(1));
        return send(HttpRequest.newBuilder(url("/login")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(url(path)).GET());
    }

    private HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(url(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    /** The request with the session's CSRF token, as the dashboard's pages send changes. */
    private HttpRequest.Builder withCsrf(HttpRequest.Builder request) throws IOException, InterruptedException {
        JsonNode csrf = JsonMapper.shared().readTree(get("/admin/csrf").body());
        return request.header(csrf.get("headerName").asString(), csrf.get("token").asString());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return browser.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
