package org.swarmkeeper.swarm;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;
import org.swarmkeeper.protocol.ClientFamily;

/**
 * Node-wide numbers over all swarms: active peers by kind, swarms with peers, peers by client family. The
 * gauges reuse one pass for a second, so that a Prometheus scrape reading all of them costs one pass, not one
 * per gauge.
 */
@Component
public class SwarmStatistics {

    private static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** {@code swarms}: swarms with at least one active peer; {@code clients}: active peers per family. */
    public record Snapshot(int swarms, long seeders, long leechers, long partialSeeds,
                           Map<ClientFamily, Long> clients) {

        public long peers() {
            return seeders + leechers + partialSeeds;
        }
    }

    private final SwarmRegistry registry;
    private Snapshot snapshot;
    private long takenAtNanos;

    SwarmStatistics(SwarmRegistry registry, MeterRegistry meters) {
        this.registry = registry;
        gauge(meters, "tracker.peers", "kind", "seeders", "Active peers", s -> s.seeders());
        gauge(meters, "tracker.peers", "kind", "leechers", "Active peers", s -> s.leechers());
        gauge(meters, "tracker.peers", "kind", "partial", "Active peers", s -> s.partialSeeds());
        Gauge.builder("tracker.swarms", this, self -> self.current().swarms())
                .description("Swarms with at least one active peer").register(meters);
        for (ClientFamily family : ClientFamily.values()) {
            gauge(meters, "tracker.clients", "family", family.displayName(), "Active peers by client family",
                    s -> s.clients().get(family));
        }
    }

    private void gauge(MeterRegistry meters, String name, String tag, String value, String description,
                       ToDoubleFunction<Snapshot> reading) {
        Gauge.builder(name, this, self -> reading.applyAsDouble(self.current())).tag(tag, value)
                .description(description).register(meters);
    }

    /** The numbers as of at most a second ago, for gauges read together by one scrape. */
    private synchronized Snapshot current() {
        long now = System.nanoTime();
        if (snapshot == null || now - takenAtNanos > MAX_AGE_NANOS) {
            snapshot = take();
            takenAtNanos = now;
        }
        return snapshot;
    }

    /** The numbers now: one pass over every swarm. */
    public Snapshot take() {
        int swarms = 0;
        long seeders = 0;
        long leechers = 0;
        long partialSeeds = 0;
        long[] byFamily = new long[ClientFamily.values().length];
        for (Swarm swarm : registry.all()) {
            SwarmCounts counts = swarm.counts();
            if (counts.seeders() + counts.leechers() + counts.partialSeeds() == 0) {
                continue;
            }
            swarms++;
            seeders += counts.seeders();
            leechers += counts.leechers();
            partialSeeds += counts.partialSeeds();
            swarm.forEachActivePeer(peer -> byFamily[peer.clientFamily().ordinal()]++);
        }
        Map<ClientFamily, Long> clients = new EnumMap<>(ClientFamily.class);
        for (ClientFamily family : ClientFamily.values()) {
            clients.put(family, byFamily[family.ordinal()]);
        }
        return new Snapshot(swarms, seeders, leechers, partialSeeds, Collections.unmodifiableMap(clients));
    }
}
