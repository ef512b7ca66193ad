package org.swarmkeeper.announce;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** @param maxInfoHashes cap on info hashes in one scrape (BEP 48 multi-scrape) */
@ConfigurationProperties("tracker.scrape")
public record ScrapeProperties(@DefaultValue("64") int maxInfoHashes) {
}
