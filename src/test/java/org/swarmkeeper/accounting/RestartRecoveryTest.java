package org.swarmkeeper.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.swarmkeeper.SwarmkeeperApplication;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.front.ClientServer;
import org.swarmkeeper.support.AdminClient;
import org.swarmkeeper.support.Bencode;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TestDatabase;

/** A restart between two announces keeps the peer's baseline: nothing lost, nothing credited twice. */
class RestartRecoveryTest {

    private static final String TOKEN = "restart-token";

    @Test
    void restartBetweenTwoAnnouncesKeepsTheBaselineAndThePeerLists() {
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(1_000_000));
        byte[] hash = new byte[20];
        ThreadLocalRandom.current().nextBytes(hash);
        InfoHash torrent = InfoHash.of(hash);
        AdminClient.CreatedUser seederUser;
        TestClient seeder;

        try (ConfigurableApplicationContext first = start()) {
            AdminClient admin = new AdminClient(port(first), TOKEN);
            seederUser = admin.createUser("restart-seeder-" + suffix);
            admin.registerTorrent(HexFormat.of().formatHex(hash), 10_000);
            seeder = new TestClient(trackerPort(first), seederUser.passkey(), torrent, "-TR3000-", "127.0.0.70");
            seeder.announce(0, 0, 0, AnnounceEvent.STARTED);
            seeder.announce(1_000, 0, 0, AnnounceEvent.NONE); // credited by the flush on shutdown
        }

        try (ConfigurableApplicationContext second = start()) {
            int port = port(second);
            AdminClient admin = new AdminClient(port, TOKEN);
            AdminClient.CreatedUser leecherUser = admin.createUser("restart-leecher-" + suffix);
            Bencode leecherView = new TestClient(trackerPort(second), leecherUser.passkey(), torrent, "-qB4520-", "127.0.0.71")
                    .announce(0, 0, 10_000, AnnounceEvent.STARTED);
            assertThat(leecherView.integer("complete")).as("the seeder is back in the swarm").isEqualTo(1);
            assertThat(leecherView.bytes("peers")).hasSize(6);

            TestClient sameSeeder = seeder.at(trackerPort(second));
            sameSeeder.announce(1_500, 0, 0, AnnounceEvent.NONE); // +500 against the restored baseline
            sameSeeder.announce(1_500, 0, 0, AnnounceEvent.STOPPED);
            assertThat(admin.user(seederUser.id()).get("uploaded").asLong()).isEqualTo(1_500);
        }
    }

    private static ConfigurableApplicationContext start() {
        TestDatabase.Connection db = TestDatabase.get();
        return new SpringApplicationBuilder(SwarmkeeperApplication.class).run(
                "--spring.datasource.url=" + db.url(),
                "--spring.datasource.username=" + db.username(),
                "--spring.datasource.password=" + db.password(),
                "--server.port=0", "--tracker.port=0",
                "--tracker.admin.token=" + TOKEN);
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    private static int trackerPort(ConfigurableApplicationContext context) {
        return context.getBean(ClientServer.class).port();
    }
}
