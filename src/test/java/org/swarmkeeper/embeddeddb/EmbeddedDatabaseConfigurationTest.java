package org.swarmkeeper.embeddeddb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The PostgreSQL the tracker starts for itself, from its own configuration, is crash-durable: a commit is
 * acknowledged once its WAL is on disk, and a page torn by a crash is restored from the WAL.
 */
class EmbeddedDatabaseConfigurationTest {

    @EnableConfigurationProperties(EmbeddedDatabaseProperties.class)
    static class Properties {
    }

    @TempDir
    Path data;

    @Test
    void theEmbeddedServerRunsWithFsyncFullPageWritesAndSynchronousCommitOn() {
        new ApplicationContextRunner()
                .withUserConfiguration(Properties.class, EmbeddedDatabaseConfiguration.class)
                .withPropertyValues("tracker.embedded-db.data-directory=" + data.resolve("postgres"),
                        "tracker.embedded-db.port=0")
                .run(context -> {
                    JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
                    for (String setting : List.of("fsync", "full_page_writes", "synchronous_commit")) {
                        assertThat(jdbc.queryForObject("SHOW " + setting, String.class)).as(setting).isEqualTo("on");
                    }
                });
    }
}
