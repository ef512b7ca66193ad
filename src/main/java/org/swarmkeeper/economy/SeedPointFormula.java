package org.swarmkeeper.economy;

import java.util.List;

import org.springframework.stereotype.Component;
import org.swarmkeeper.accounting.SeedPointRates;
import org.swarmkeeper.torrents.Moderation;
import org.swarmkeeper.torrents.RegisteredTorrent;
import org.swarmkeeper.torrents.TorrentCatalog;

/**
 * The hourly seed point rate of {@link EconomyProperties.SeedPoints}: the formula from the torrent's size and its
 * seeders, or the rule table, times the idle factor and the user's class's points multiplier.
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
    public boolean requiresConnectable() {
        return properties.requireConnectable();
    }

    @Override
    public Hourly hourly(long userId, long torrentId, int seeders, long atMillis) {
        RegisteredTorrent torrent = properties.enabled() ? torrents.byId(torrentId) : null;
        // Only approved torrents pay: an uploader seeding a pending one alone would farm its scarcity (and its size,
        // which nobody has checked yet).
        if (torrent == null || torrent.size() == 0 || torrent.deleted() || torrent.moderation() != Moderation.APPROVED) {
            return Hourly.NONE;
        }
        double weight = (idle.isIdle(torrentId) ? properties.idleFactor() : 1) * classes.of(userId).pointsMultiplier();
        List<SeedPointRule> rules = properties.rules();
        if (!rules.isEmpty()) {
            long holding = 0;
            for (int rule = 0; rule < rules.size(); rule++) {
                if (rules.get(rule).holdsFor(torrent.size(), seeders, atMillis - torrent.createdAtMillis())) {
                    holding |= 1L << rule;
                }
            }
            return holding == 0 ? Hourly.NONE : new Hourly(0, 0, holding, weight);
        }
        double gib = torrent.size() / GIB * weight;
        return new Hourly(gib * properties.flat(),
                gib * properties.scarcity() / Math.pow(Math.max(1, seeders), properties.seederExponent()), 0, 0);
    }

    @Override
    public double rulePointsPerHour(int rule, long seedMillisBefore) {
        SeedPointRule table = properties.rules().get(rule);
        return table.holdsAfter(seedMillisBefore) ? table.pointsPerHour() : 0;
    }
}
