package org.swarmkeeper.announce;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.swarmkeeper.protocol.Cidr;
import org.swarmkeeper.protocol.PeerAddresses;
import org.swarmkeeper.swarm.Reachability;

/**
 * Whether peers accept connections on their announced port ({@code tracker.connectability.*}): each address and
 * port is probed once per {@code cache-for}, within a cap on probes in flight and on probes per user and hour.
 */
@Component
public class Connectability {

    /**
     * Endpoints remembered at most, about 100 bytes each; at the cap, expired findings are swept out, and while none
     * is expired a new endpoint is not probed.
     */
    static final int MAX_ENDPOINTS = 1_000_000;
    private static final Logger log = LoggerFactory.getLogger(Connectability.class);
    private static final long HOUR_MILLIS = 3_600_000;
    /** A sweep reads every entry: a full cache is swept at most this often. */
    private static final long SWEEP_EVERY_MILLIS = 60_000;
    private static final int MAX_PORT = 0xffff;
    /** Addresses no peer elsewhere could reach, or that would turn the tracker against its own network. */
    private static final List<Cidr> NEVER_PROBED = Stream.of(
                    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
                    "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4",
                    "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8")
            .map(network -> Cidr.parse(network).orElseThrow())
            .toList();

    private final ConnectabilityProperties properties;
    private final PortProbe probe;
    private final List<Cidr> allowed;
    private final long cacheForMillis;
    private final long timeoutMillis;
    private final int maxEndpoints;
    private final ConcurrentHashMap<Endpoint, Entry> cache = new ConcurrentHashMap<>();
    private final Semaphore inFlight;
    private final AtomicReference<Hour> hour = new AtomicReference<>(new Hour(Long.MIN_VALUE));
    private volatile long nextSweepMillis;
    private final Clock clock;
    private final Counter connectable;
    private final Counter unconnectable;
    private final Counter notAllowed;
    private final Counter userCap;
    private final Counter busy;
    private final Counter cacheFull;

    @Autowired
    Connectability(ConnectabilityProperties properties, PortProbe probe, MeterRegistry meters, Clock clock) {
        this(properties, probe, meters, MAX_ENDPOINTS, clock);
    }

    /** On the system clock, as a test that passes its callers' times in sets it up. */
    public Connectability(ConnectabilityProperties properties, PortProbe probe, MeterRegistry meters) {
        this(properties, probe, meters, MAX_ENDPOINTS, Clock.systemUTC());
    }

    /** {@code maxEndpoints}: the cache's cap ({@link #MAX_ENDPOINTS}; tests set a small one). */
    Connectability(ConnectabilityProperties properties, PortProbe probe, MeterRegistry meters, int maxEndpoints) {
        this(properties, probe, meters, maxEndpoints, Clock.systemUTC());
    }

    private Connectability(ConnectabilityProperties properties, PortProbe probe, MeterRegistry meters,
                           int maxEndpoints, Clock clock) {
        this.clock = clock;
        this.properties = properties;
        this.probe = probe;
        this.allowed = properties.allowedNetworks();
        this.cacheForMillis = properties.cacheFor().toMillis();
        this.timeoutMillis = properties.timeout().toMillis();
        this.maxEndpoints = maxEndpoints;
        this.inFlight = new Semaphore(properties.maxConcurrent());
        this.connectable = probes("connectable", meters);
        this.unconnectable = probes("unconnectable", meters);
        this.notAllowed = skipped("not_allowed", "its address is in a range never probed", meters);
        this.userCap = skipped("user_cap", "tracker.connectability.per-user-per-hour were started already", meters);
        this.busy = skipped("busy", "tracker.connectability.max-concurrent were in flight", meters);
        this.cacheFull = skipped("cache_full", "the cache of findings was full", meters);
    }

    private static Counter probes(String result, MeterRegistry meters) {
        return Counter.builder("tracker.connectability.probes").tag("result", result)
                .description("Peer ports probed, by whether a TCP connection opened").register(meters);
    }

    private static Counter skipped(String reason, String why, MeterRegistry meters) {
        return Counter.builder("tracker.connectability.skipped").tag("reason", reason)
                .description("Peer ports not probed although no finding was fresh; " + reason + ": " + why)
                .register(meters);
    }

    /**
     * The cached finding for this endpoint (UNKNOWN when none is fresh); when none is fresh and a probe is allowed,
     * starts one and hands its finding to onProbed (on an event loop thread: keep the callback short). A caller
     * that comes while a probe of the endpoint is in flight gets UNKNOWN and joins it: its onProbed is called with
     * that probe's finding as well. A probe not started (not allowed, or over a cap) calls nobody back. A probe that
     * answers at once (the clients' port not served) calls back on the calling thread, before this returns.
     */
    public Reachability reachability(long userId, InetAddress address, int port, long nowMillis,
                                     Consumer<Reachability> onProbed) {
        if (!properties.enabled() || port <= 0 || port > MAX_PORT) {
            return Reachability.UNKNOWN;
        }
        InetAddress peer = PeerAddresses.normalize(address);
        if (!allowed(peer.getAddress())) { // before the cache, which holds allowed endpoints only
            notAllowed.increment();
            return Reachability.UNKNOWN;
        }
        Endpoint endpoint = Endpoint.of(peer, port);
        Entry known = cache.get(endpoint);
        if (known instanceof Found found && found.fresh(nowMillis)) {
            return found.reachability();
        }
        if (known instanceof Probing && known.fresh(nowMillis)) {
            Entry joined = settle(endpoint, onProbed, nowMillis, null);
            if (joined != null) {
                return findingOf(joined);
            }
        }
        if (known == null && !roomForOneMore(nowMillis)) { // a known endpoint's entry is replaced in place
            cacheFull.increment();
            return Reachability.UNKNOWN;
        }
        if (!inFlight.tryAcquire()) {
            busy.increment();
            return Reachability.UNKNOWN;
        }
        Hour counting = hour(nowMillis);
        if (!counting.tryStart(userId, properties.perUserPerHour())) {
            inFlight.release();
            userCap.increment();
            return Reachability.UNKNOWN;
        }
        // A probe answers within its timeout: a marker older than that and the cache time belongs to one whose
        // answer was lost, and must not keep its endpoint from being probed again.
        Probing started = new Probing(nowMillis, nowMillis + cacheForMillis + timeoutMillis,
                new CopyOnWriteArrayList<>());
        Entry settled = settle(endpoint, onProbed, nowMillis, started);
        if (settled != started) { // another caller started one (or found out) meanwhile
            inFlight.release();
            counting.cancel(userId);
            return findingOf(settled);
        }
        try {
            probe.connects(new InetSocketAddress(peer, port), properties.timeout())
                    .thenAccept(opened -> finish(endpoint, started, opened));
        } catch (RuntimeException e) { // not tried: the slot and the marker go back, the announce is answered
            log.warn("A connectability probe could not start", e);
            finish(endpoint, started, null);
        }
        return Reachability.UNKNOWN;
    }

    /** The cached finding for this endpoint, UNKNOWN when none is fresh; never starts a probe. */
    public Reachability cached(InetAddress address, int port, long nowMillis) {
        if (!properties.enabled() || port <= 0 || port > MAX_PORT || cache.isEmpty()) {
            return Reachability.UNKNOWN;
        }
        Entry known = cache.get(Endpoint.of(PeerAddresses.normalize(address), port));
        return known instanceof Found found && found.fresh(nowMillis) ? found.reachability() : Reachability.UNKNOWN;
    }

    /**
     * The endpoint's fresh entry, with onProbed among the waiters when it is a probe in flight; when none is fresh,
     * {@code start} (with onProbed its first waiter), or null when that is null. In the map's compute: no probe
     * starts twice for one endpoint, and nobody joins a probe after it has handed out its finding.
     */
    private Entry settle(Endpoint endpoint, Consumer<Reachability> onProbed, long nowMillis, Probing start) {
        return cache.compute(endpoint, (key, current) -> {
            Entry fresh = current != null && current.fresh(nowMillis) ? current : start;
            if (fresh instanceof Probing probing) {
                probing.waiters().add(onProbed);
            }
            return fresh;
        });
    }

    private static Reachability findingOf(Entry entry) {
        return entry instanceof Found found ? found.reachability() : Reachability.UNKNOWN;
    }

    private void finish(Endpoint endpoint, Probing probing, Boolean opened) {
        inFlight.release();
        if (opened == null) { // not tried: no finding, and the next announce may try again
            cache.remove(endpoint, probing);
            return;
        }
        (opened ? connectable : unconnectable).increment();
        Reachability finding = opened ? Reachability.CONNECTABLE : Reachability.UNCONNECTABLE;
        // Only over its own marker: one swept out or replaced meanwhile has been followed by a newer probe.
        cache.computeIfPresent(endpoint, (key, current) ->
                current == probing ? new Found(finding, probing.startedMillis() + cacheForMillis) : current);
        for (Consumer<Reachability> waiter : probing.waiters()) {
            try {
                waiter.accept(finding);
            } catch (RuntimeException e) { // the other waiters are still told
                log.warn("A connectability callback failed", e);
            }
        }
    }

    /** Loops rather than streams: every announce asks. */
    private boolean allowed(byte[] address) {
        for (Cidr network : allowed) {
            if (network.contains(address)) {
                return true;
            }
        }
        for (Cidr network : NEVER_PROBED) {
            if (network.contains(address)) {
                return false;
            }
        }
        return true;
    }

    /** Forgets expired findings on a schedule, off the event loops: a quiet cache would otherwise keep them all. */
    @Scheduled(fixedDelayString = "5m")
    void forgetExpired() {
        long now = clock.millis();
        cache.values().removeIf(entry -> !entry.fresh(now));
    }

    /** Whether a new endpoint fits in the cache, once expired entries are swept out when it is full. */
    private boolean roomForOneMore(long nowMillis) {
        if (cache.size() < maxEndpoints) {
            return true;
        }
        if (nowMillis >= nextSweepMillis) {
            nextSweepMillis = nowMillis + SWEEP_EVERY_MILLIS;
            cache.values().removeIf(entry -> !entry.fresh(nowMillis));
        }
        return cache.size() < maxEndpoints;
    }

    /** The count for the clock hour of {@code nowMillis}; starting a new hour drops the previous one's. */
    private Hour hour(long nowMillis) {
        long number = Math.floorDiv(nowMillis, HOUR_MILLIS);
        Hour current = hour.get();
        while (current.number() < number) {
            Hour next = new Hour(number);
            current = hour.compareAndSet(current, next) ? next : hour.get();
        }
        return current; // a time read just before another thread turned the hour counts in the new one
    }

    /** Probes started per user in one clock hour. */
    private record Hour(long number, ConcurrentHashMap<Long, Integer> started) {

        Hour(long number) {
            this(number, new ConcurrentHashMap<>());
        }

        boolean tryStart(long userId, int limit) {
            if (started.merge(userId, 1, Integer::sum) <= limit) {
                return true;
            }
            cancel(userId);
            return false;
        }

        void cancel(long userId) {
            started.computeIfPresent(userId, (user, count) -> count > 1 ? count - 1 : null);
        }
    }

    /**
     * An address and port as a key: 32 bytes where an InetSocketAddress takes over 100. IPv4 addresses are held in
     * their IPv4-mapped IPv6 form, which no normalized IPv6 address takes.
     */
    private record Endpoint(long high, long low, int port) {

        static Endpoint of(InetAddress address, int port) {
            ByteBuffer bytes = ByteBuffer.wrap(address.getAddress());
            return bytes.capacity() == 4
                    ? new Endpoint(0, 0xffff_0000_0000L | Integer.toUnsignedLong(bytes.getInt(0)), port)
                    : new Endpoint(bytes.getLong(0), bytes.getLong(8), port);
        }
    }

    private sealed interface Entry permits Found, Probing {

        /** Until when (by the callers' clock, exclusive) the entry stands. */
        long untilMillis();

        default boolean fresh(long nowMillis) {
            return nowMillis < untilMillis();
        }
    }

    private record Found(Reachability reachability, long untilMillis) implements Entry {
    }

    /**
     * A probe in flight and who is waiting for it. The waiters are added to only in the map's compute while this is
     * the endpoint's fresh entry, and read once the probe has finished, when it no longer is.
     */
    private record Probing(long startedMillis, long untilMillis, List<Consumer<Reachability>> waiters)
            implements Entry {
    }
}
