package org.swarmkeeper.embeddeddb;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The PostgreSQL started in-process when no {@code spring.datasource.url} is configured.
 *
 * @param dataDirectory where its data lives across restarts
 * @param port          its port on localhost; 0 picks a free one at each start
 */
@ConfigurationProperties("tracker.embedded-db")
public record EmbeddedDatabaseProperties(
        @DefaultValue("./data/postgres") Path dataDirectory,
        @DefaultValue("0") int port) {
}
