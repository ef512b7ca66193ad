package org.swarmkeeper.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.core.ConditionTimeoutException;
import org.swarmkeeper.SwarmkeeperApplication;

/** The tracker as a separate JVM (the test classpath, {@code --key=value} arguments), to kill and restart. */
public final class TrackerProcess {

    private static final Duration START_LIMIT = Duration.ofMinutes(2);

    private TrackerProcess() {
    }

    /** A tracker's two ports: the admin API and Actuator (Tomcat), and BitTorrent clients'. */
    public record Ports(int admin, int tracker) {

        public static Ports free() throws IOException {
            return new Ports(freePort(), freePort());
        }

        /** Ports a tracker may be stopped and started again on ({@link #reusablePort()}). */
        public static Ports reusable() throws IOException {
            return new Ports(reusablePort(), reusablePort());
        }
    }

    /** Starts a tracker on {@code ports} appending its output to {@code log}; does not wait for it. */
    public static Process launch(Ports ports, Path log, String... arguments) throws IOException {
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SwarmkeeperApplication.class.getName(),
                "--server.port=" + ports.admin(), "--tracker.port=" + ports.tracker()));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Starts a tracker and waits until its health endpoint answers 200 (two minutes at most). */
    public static Process start(Ports ports, Path log, String... arguments) throws IOException, InterruptedException {
        Process process = launch(ports, log, arguments);
        int port = ports.admin();
        HttpClient http = HttpClient.newHttpClient();
        try {
            await("the tracker's health endpoint on port " + port).atMost(START_LIMIT).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(250)).until(() -> healthy(process, http, port, log));
        } catch (ConditionTimeoutException e) {
            process.destroyForcibly();
            throw new AssertionError("tracker did not start within " + START_LIMIT.toSeconds() + " s:\n"
                    + Files.readString(log));
        }
        return process;
    }

    /** Whether the starting tracker answers 200 yet; fails at once when it has exited. */
    private static boolean healthy(Process process, HttpClient http, int port, Path log)
            throws IOException, InterruptedException {
        if (!process.isAlive()) {
            throw new AssertionError("tracker exited at start:\n" + Files.readString(log));
        }
        try {
            HttpResponse<Void> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return health.statusCode() == 200;
        } catch (IOException notYet) {
            return false; // still starting
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * A free port below the kernel's range for outgoing connections (32768 and up on Linux), for a server that is
     * stopped and started again on it: a port from that range may meanwhile be taken as the local end of some
     * connection, and the restart then fails with "port already in use".
     */
    public static int reusablePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = random.nextInt(20_000, 32_000);
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new java.net.InetSocketAddress(port));
                return port;
            } catch (IOException taken) {
                // another one
            }
        }
        throw new IOException("no free port between 20000 and 32000");
    }
}
