package org.swarmkeeper.economy;

import org.springframework.stereotype.Component;
import org.swarmkeeper.accounting.SeedPointRates;
import org.swarmkeeper.torrents.RegisteredTorrent;
import org.swarmkeeper.torrents.TorrentCatalog;

/**
 * The hourly seed point rate of {@link EconomyProperties.SeedPoints}, from the torrent's size and its seeders, times
 * the user's class's points multiplier.
 */
@Component
class SeedPointFormula implements SeedPointRates {

    private static final double GIB = 1L << 30;

    private final EconomyProperties.SeedPoints properties;
    private final TorrentCatalog torrents;
    private final IdleTorrents idle;
    private final UserClasses classes;

    SeedPointFormula(EconomyProperties properties, TorrentCatalog torrents, IdleTorrents idle, UserClasses classes) {
        this.properties = properties.seedPoints();
        this.torrents = torrents;
        this.idle = idle;
        this.classes = classes;
    }

    @Override
    public Hourly hourly(long userId, long torrentId, int seeders, long atMillis) {
        RegisteredTorrent torrent = properties.enabled() ? torrents.byId(torrentId) : null;
        if (torrent == null || torrent.size() == 0) {
            return Hourly.NONE;
        }
        double gib = torrent.size() / GIB * (idle.isIdle(torrentId) ? properties.idleFactor() : 1)
                * classes.of(userId).pointsMultiplier();
        return new Hourly(gib * properties.flat(),
                gib * properties.scarcity() / Math.pow(Math.max(1, seeders), properties.seederExponent()));
    }
}
