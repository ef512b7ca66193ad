package org.swarmkeeper.support;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One real PostgreSQL for the whole test JVM: a Testcontainers container where a Docker engine answers, the
 * embedded PostgreSQL binaries otherwise. Never a mock or an in-memory imitation.
 */
public final class TestDatabase {

    public record Connection(String url, String username, String password) {
    }

    private static Connection connection;

    private TestDatabase() {
    }

    public static synchronized Connection get() {
        if (connection == null) {
            connection = dockerAvailable() ? container() : embedded();
        }
        return connection;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Connection container() {
        PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:18-alpine");
        postgres.start();
        return new Connection(postgres.getJdbcUrl(), postgres.getUsername(), postgres.getPassword());
    }

    private static Connection embedded() {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on").start();
            return new Connection(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "");
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL", e);
        }
    }
}
