package org.swarmkeeper.tracker;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Service;
import org.swarmkeeper.accounting.Ledger;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.protocol.MalformedRequestException;
import org.swarmkeeper.protocol.ScrapeRequest;
import org.swarmkeeper.protocol.BencodedAnswers;
import org.swarmkeeper.protocol.BencodedAnswers.ScrapeEntry;
import org.swarmkeeper.swarm.SwarmCounts;
import org.swarmkeeper.swarm.SwarmRegistry;
import org.swarmkeeper.torrents.RegisteredTorrent;
import org.swarmkeeper.torrents.TorrentCatalog;

/** BEP 48 scrape of the requested registered torrents; unregistered and deleted ones are left out. */
@Service
public class ScrapeService {

    private final Passkeys passkeys;
    private final TorrentCatalog torrents;
    private final SwarmRegistry swarms;
    private final ScrapeProperties properties;
    private final Ledger ledger;
    private final MeterRegistry meters;

    ScrapeService(Passkeys passkeys, TorrentCatalog torrents, SwarmRegistry swarms, ScrapeProperties properties,
                  Ledger ledger, MeterRegistry meters) {
        this.passkeys = passkeys;
        this.torrents = torrents;
        this.swarms = swarms;
        this.properties = properties;
        this.ledger = ledger;
        this.meters = meters;
    }

    public byte[] scrape(String passkey, String rawQuery, InetAddress address) {
        return scrape(passkey, rawQuery, address, true);
    }

    /**
     * The answer when it can be given without waiting: {@code null}, before anything is counted, while
     * back-pressure would hold it. The caller then asks {@link #scrape} from a thread that may block.
     */
    public byte[] scrapeWithoutWaiting(String passkey, String rawQuery, InetAddress address) {
        return scrape(passkey, rawQuery, address, false);
    }

    private byte[] scrape(String passkey, String rawQuery, InetAddress address, boolean mayWait) {
        long start = System.nanoTime();
        String result = "ok";
        try {
            ScrapeRequest request = parse(rawQuery);
            if (!mayWait && ledger.wouldHold()) {
                result = null; // not counted here: the thread that may wait answers it
                return null;
            }
            passkeys.countScrape(passkeys.authenticate(passkey, address));
            if (mayWait) {
                ledger.awaitFlusher(); // a flusher that fell behind gets the CPU first (tracker.ledger.max-lag)
            }
            Map<InfoHash, ScrapeEntry> files = new LinkedHashMap<>();
            for (InfoHash hash : request.infoHashes()) {
                RegisteredTorrent torrent = torrents.byInfoHash(hash);
                if (torrent != null && !torrent.deleted()) {
                    SwarmCounts counts = swarms.counts(torrent.id(), torrent.snatches());
                    files.put(hash, new ScrapeEntry(counts.seeders(), counts.incomplete(), counts.snatches(),
                            counts.leechers()));
                }
            }
            return BencodedAnswers.scrape(files);
        } catch (Refusal refusal) {
            result = refusal.code();
            return BencodedAnswers.failure(refusal.getMessage());
        } finally {
            if (result != null) {
                Timer.builder("tracker.scrape").tag("result", result)
                        .register(meters).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        }
    }

    private ScrapeRequest parse(String rawQuery) throws Refusal {
        try {
            return ScrapeRequest.parse(rawQuery, properties.maxInfoHashes());
        } catch (MalformedRequestException e) {
            throw Refusal.malformed(e);
        }
    }
}
