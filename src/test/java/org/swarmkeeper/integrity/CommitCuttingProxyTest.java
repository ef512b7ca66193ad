package org.swarmkeeper.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.swarmkeeper.support.Await;

/**
 * pgjdbc through the proxy: transactions commit as usual until it is armed; then the next commit of a
 * transaction that wrote to the table reaches PostgreSQL while pgjdbc gets an I/O error, once. pgjdbc prepares
 * {@code COMMIT} on the server at its first use and from then on runs it by name (Bind alone), which the proxy
 * must still recognise: every commit here after the first is of that kind.
 */
class CommitCuttingProxyTest {

    private EmbeddedPostgres postgres;
    private CommitCuttingProxy proxy;

    @BeforeEach
    void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        database().execute("CREATE TABLE ledger_rows (n int)");
        database().execute("CREATE TABLE other_rows (n int)");
        proxy = new CommitCuttingProxy(postgres.getPort(), "ledger_rows");
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        postgres.close();
    }

    @Test
    void anArmedProxyLetsTheCommitThroughAndCutsItsAcknowledgementOnce() throws Exception {
        try (Connection connection = connect()) {
            for (int n = 1; n <= 3; n++) {
                insertAndCommit(connection, "ledger_rows", n);
            }
            CompletableFuture<Void> cut = proxy.cutNextCommit();
            insertAndCommit(connection, "other_rows", 1); // a transaction that did not write the table: not cut
            assertThat(cut).isNotDone();
            assertThatThrownBy(() -> insertAndCommit(connection, "ledger_rows", 4)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("I/O error");
            cut.get(5, TimeUnit.SECONDS);
        }
        assertThat(database().queryForObject("SELECT count(*) FROM ledger_rows", Integer.class))
                .as("the commit whose acknowledgement was lost").isEqualTo(4);
        try (Connection connection = connect()) {
            insertAndCommit(connection, "ledger_rows", 5); // disarmed after one cut
        }
        assertThat(database().queryForObject("SELECT count(*) FROM ledger_rows", Integer.class)).isEqualTo(5);
        Await.until("every proxied session ended", Duration.ofSeconds(5), proxy::idle);
    }

    private Connection connect() throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxy.port()
                + "/postgres?sslmode=disable&gssEncMode=disable", "postgres", "");
        connection.setAutoCommit(false);
        return connection;
    }

    private static void insertAndCommit(Connection connection, String table, int n) throws SQLException {
        try (Statement insert = connection.createStatement()) {
            insert.executeUpdate("INSERT INTO " + table + " VALUES (" + n + ")");
        }
        connection.commit();
    }

    private JdbcTemplate database() {
        return new JdbcTemplate(postgres.getPostgresDatabase());
    }
}
