package org.swarmkeeper.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param requirePrivate refuse uploaded .torrent files without {@code private=1} (BEP 27): clients would
 *                       otherwise find peers through DHT and PEX, outside the tracker's accounting
 * @param maxFileSize    largest .torrent file accepted
 */
@ConfigurationProperties("tracker.torrents")
record TorrentUploadProperties(@DefaultValue("true") boolean requirePrivate,
                               @DefaultValue("10MB") DataSize maxFileSize) {
}
