package org.swarmkeeper.economy;

import org.springframework.stereotype.Component;
import org.swarmkeeper.accounting.SeedPointRates;
import org.swarmkeeper.torrents.RegisteredTorrent;
import org.swarmkeeper.torrents.TorrentCatalog;

/** The hourly seed point rate of {@link EconomyProperties.SeedPoints}, from the torrent's size and its seeders. */
@Component
class SeedPointFormula implements SeedPointRates {

    private static final double GIB = 1L << 30;

    private final EconomyProperties.SeedPoints properties;
    private final TorrentCatalog torrents;
    private final IdleTorrents idle;

    SeedPointFormula(EconomyProperties properties, TorrentCatalog torrents, IdleTorrents idle) {
        this.properties = properties.seedPoints();
        this.torrents = torrents;
        this.idle = idle;
    }

    @Override
    public Hourly hourly(long userId, long torrentId, int seeders, long atMillis) {
        RegisteredTorrent torrent = properties.enabled() ? torrents.byId(torrentId) : null;
        if (torrent == null || torrent.size() == 0) {
            return Hourly.NONE;
        }
        double gib = torrent.size() / GIB * (idle.isIdle(torrentId) ? properties.idleFactor() : 1);
        return new Hourly(gib * properties.flat(),
                gib * properties.scarcity() / Math.pow(Math.max(1, seeders), properties.seederExponent()));
    }
}
