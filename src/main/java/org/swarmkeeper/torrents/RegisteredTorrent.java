package org.swarmkeeper.torrents;

import org.swarmkeeper.protocol.InfoHash;

/**
 * What the announce path needs to know about a torrent, held in memory by info hash.
 *
 * @param snatches the count recorded when the torrent was loaded; live swarms keep the current one
 */
public record RegisteredTorrent(long id, InfoHash infoHash, String name, long size, long snatches) {
}
