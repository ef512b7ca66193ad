package org.swarmkeeper.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.ThreadLocalRandom;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.AnnounceRequest;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.Commands;
import org.swarmkeeper.support.TrackerIntegrationTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Direct TLS with a Spring Boot SSL bundle: a self-signed certificate made by keytool at test time, the clients'
 * port ({@code tracker.front.ssl-bundle}) and the admin API ({@code server.ssl.bundle}) answering over HTTPS only,
 * to Java's HTTP client and to curl; the announce URL handed out names HTTPS.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"tracker.admin.token=" + TrackerIntegrationTest.ADMIN_TOKEN, "server.ssl.bundle=tracker",
                "tracker.port=0", "tracker.front.ssl-bundle=tracker", "spring.ssl.bundle.jks.tracker.keystore.type=PKCS12",
                "spring.ssl.bundle.jks.tracker.keystore.password=changeit"})
class DirectTlsTest {

    private static final Path TLS = Path.of("target", "tls").toAbsolutePath();
    private static final Path KEYSTORE = TLS.resolve("tracker.p12");
    private static final Path CERTIFICATE = TLS.resolve("tracker.pem");

    @LocalServerPort
    int port;

    @Autowired
    ClientServer clients;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        TrackerIntegrationTest.registerDatabase(registry);
        makeSelfSignedCertificate();
        registry.add("spring.ssl.bundle.jks.tracker.keystore.location", () -> "file:" + KEYSTORE);
    }

    private static void makeSelfSignedCertificate() throws IOException {
        Files.createDirectories(TLS);
        Files.deleteIfExists(KEYSTORE);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        keytool(keytool, "-genkeypair", "-alias", "tracker", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", KEYSTORE.toString(), "-storepass", "changeit");
        keytool(keytool, "-exportcert", "-rfc", "-alias", "tracker", "-keystore", KEYSTORE.toString(),
                "-storepass", "changeit", "-file", CERTIFICATE.toString());
    }

    private static void keytool(String... command) {
        Commands.check(TLS.toFile(), Duration.ofSeconds(60), command);
    }

    private HttpClient trustingTheCertificate() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(KEYSTORE)) {
            trust.load(in, "changeit".toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).build();
    }

    @Test
    void announcesAndTheAdminApiAreServedOverTlsOnly() throws Exception {
        HttpClient https = trustingTheCertificate();
        String base = "https://127.0.0.1:" + port;
        JsonNode user = JsonMapper.builder().build().readTree(https.send(HttpRequest.newBuilder(URI.create(base + "/api/users"))
                .header("Authorization", "Bearer " + TrackerIntegrationTest.ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"tls-" + System.nanoTime() % 100000 + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(user.get("announceUrl").asString()).startsWith("https://127.0.0.1:" + clients.port() + "/announce/");

        byte[] hash = new byte[20];
        ThreadLocalRandom.current().nextBytes(hash);
        InfoHash torrent = InfoHash.of(hash);
        assertThat(https.send(HttpRequest.newBuilder(URI.create(base + "/api/torrents"))
                .header("Authorization", "Bearer " + TrackerIntegrationTest.ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"infoHash\":\"" + torrent.hex() + "\",\"name\":\"tls\",\"size\":1}"))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(201);
        String query = new AnnounceRequest(torrent, PeerId.of("-TR3000-tlstlstlstls".getBytes(StandardCharsets.ISO_8859_1)),
                51413, 0, 0, 0, AnnounceEvent.STARTED, true, false, 50, null).toQueryString();
        String announce = user.get("announceUrl").asString() + "?" + query;

        HttpResponse<byte[]> answer = https.send(HttpRequest.newBuilder(URI.create(announce))
                .header("User-Agent", "Transmission/3.00").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Bencode.of(answer.body()).integer("complete")).isEqualTo(1);

        // curl, as a client with its own TLS stack, trusting only this certificate.
        String curlOutput = Commands.check(TLS.toFile(), Duration.ofSeconds(30), "curl", "-sS", "--cacert",
                CERTIFICATE.toString(), "-A", "Transmission/3.00", announce);
        assertThat(curlOutput).startsWith("d8:completei1e");

        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/actuator/health"))
                .build(), HttpResponse.BodyHandlers.discarding()))
                .as("a client that does not trust the certificate is refused").isInstanceOf(IOException.class);
        HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).as("plain HTTP on the admin TLS port").isEqualTo(400);
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + clients.port() + "/announce/x")).build(),
                HttpResponse.BodyHandlers.discarding()))
                .as("plain HTTP on the clients' TLS port gets no answer").isInstanceOf(IOException.class);
    }
}
