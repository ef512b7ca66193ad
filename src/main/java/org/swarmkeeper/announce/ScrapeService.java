package org.swarmkeeper.announce;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
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
import org.swarmkeeper.torrents.Moderation;
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
    /** {@code tracker.scrape} by result: from a bounded set in the code, never from a client. */
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

    ScrapeService(Passkeys passkeys, TorrentCatalog torrents, SwarmRegistry swarms, ScrapeProperties properties,
                  Ledger ledger, MeterRegistry meters) {
        this.passkeys = passkeys;
        this.torrents = torrents;
        this.swarms = swarms;
        this.properties = properties;
        this.ledger = ledger;
        this.meters = meters;
    }

    /** Answers a scrape; while back-pressure would hold it, the whole scrape is the rest that must wait. */
    public ClientAnswer scrape(String passkey, String rawQuery, InetAddress address) {
        long start = System.nanoTime();
        ScrapeRequest request;
        try {
            request = parse(rawQuery);
        } catch (Refusal refusal) {
            return new ClientAnswer.Ready(refused(refusal, start));
        }
        if (ledger.wouldHold()) {
            return new ClientAnswer.MustWait(() -> scrape(passkey, request, address, true, start),
                    () -> scrape(passkey, request, address, false, start)); // a read: it need not wait
        }
        return new ClientAnswer.Ready(scrape(passkey, request, address, false, start));
    }

    private byte[] scrape(String passkey, ScrapeRequest request, InetAddress address, boolean mayWait, long start) {
        try {
            passkeys.countScrape(passkeys.authenticate(passkey, address));
            if (mayWait) {
                ledger.awaitFlusher(); // a flusher that fell behind gets the CPU first (tracker.ledger.max-lag)
            }
            Map<InfoHash, ScrapeEntry> files = new LinkedHashMap<>();
            for (InfoHash hash : request.infoHashes()) {
                RegisteredTorrent torrent = torrents.byInfoHash(hash);
                if (torrent != null && !torrent.deleted() && torrent.moderation() == Moderation.APPROVED) {
                    SwarmCounts counts = swarms.counts(torrent.id(), torrent.snatches());
                    files.put(hash, new ScrapeEntry(counts.seeders(), counts.incomplete(), counts.snatches(),
                            counts.leechers()));
                }
            }
            byte[] body = BencodedAnswers.scrape(files);
            counted("ok", start);
            return body;
        } catch (Refusal refusal) {
            return refused(refusal, start);
        }
    }

    private byte[] refused(Refusal refusal, long start) {
        counted(refusal.code(), start);
        return BencodedAnswers.failure(refusal.getMessage(), refusal.retryInMinutes());
    }

    private void counted(String result, long start) {
        timers.computeIfAbsent(result, code -> Timer.builder("tracker.scrape").tag("result", code).register(meters))
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    private ScrapeRequest parse(String rawQuery) throws Refusal {
        try {
            return ScrapeRequest.parse(rawQuery, properties.maxInfoHashes());
        } catch (MalformedRequestException e) {
            throw Refusal.malformed(e);
        }
    }
}
