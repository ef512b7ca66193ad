package org.swarmkeeper.admin;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.swarmkeeper.accounting.Ledger;
import org.swarmkeeper.swarm.SwarmStatistics;
import org.swarmkeeper.torrents.TorrentCatalog;
import org.swarmkeeper.announce.AnnounceRates;
import org.swarmkeeper.users.UserDirectory;

/** The tracker at a glance, for the dashboard's overview and for sites without Prometheus. */
@RestController
class SummaryApi {

    /** Active peers on this node by kind; {@code total} is their sum. */
    record Peers(long seeders, long leechers, long partialSeeds, long total) {
    }

    /**
     * {@code torrents}: registered and not deleted; {@code swarms}: with at least one active peer;
     * {@code clients}: active peers by client family; {@code flushLagSeconds}: age of the oldest credit not
     * yet committed to PostgreSQL.
     */
    record Summary(int users, long torrents, int swarms, Peers peers, AnnounceRates.Rates announcesPerSecond,
                   double flushLagSeconds, int pendingPeers, List<AnnounceRates.Minute> lastHour,
                   Map<String, Long> clients, Instant at) {
    }

    private final UserDirectory users;
    private final TorrentCatalog torrents;
    private final SwarmStatistics statistics;
    private final AnnounceRates rates;
    private final Ledger ledger;
    private final Clock clock;

    SummaryApi(UserDirectory users, TorrentCatalog torrents, SwarmStatistics statistics, AnnounceRates rates,
               Ledger ledger, Clock clock) {
        this.users = users;
        this.torrents = torrents;
        this.statistics = statistics;
        this.rates = rates;
        this.ledger = ledger;
        this.clock = clock;
    }

    @GetMapping("/api/summary")
    Summary summary() {
        SwarmStatistics.Snapshot swarms = statistics.take();
        Map<String, Long> clients = new LinkedHashMap<>();
        swarms.clients().forEach((family, peers) -> {
            if (peers > 0) {
                clients.put(family.displayName(), peers);
            }
        });
        return new Summary(users.count(), torrents.all().stream().filter(torrent -> !torrent.deleted()).count(),
                swarms.swarms(), new Peers(swarms.seeders(), swarms.leechers(), swarms.partialSeeds(), swarms.peers()),
                rates.rates(), ledger.flushLagSeconds(), ledger.pendingPeers(), rates.lastHour(), clients,
                clock.instant());
    }
}
