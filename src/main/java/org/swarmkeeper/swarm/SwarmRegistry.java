package org.swarmkeeper.swarm;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Every live swarm of this node, by torrent id. */
@Component
public class SwarmRegistry implements InitializingBean, SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(SwarmRegistry.class);

    private final ConcurrentMap<Long, Swarm> swarms = new ConcurrentHashMap<>();
    private final LeechingUsers leechingUsers = new LeechingUsers();
    private final PeerChangeListener listener;
    private final PeerLoader loader;
    private final SwarmProperties properties;
    private final Clock clock;
    private FutureTask<Integer> restoring;

    public SwarmRegistry(PeerChangeListener listener, PeerLoader loader, SwarmProperties properties, Clock clock) {
        this.listener = listener;
        this.loader = loader;
        this.properties = properties;
        this.clock = clock;
    }

    /** How many torrents the user is leeching on this node. */
    public int leechingTorrents(long userId) {
        return leechingUsers.torrentsOf(userId);
    }

    /**
     * The swarm of a torrent. On a miss it is created with the torrent's recorded snatch count and the peers
     * PostgreSQL holds for it (another node may have held the swarm, or this one before a restart); that read happens once per
     * torrent and node.
     */
    public Swarm swarm(long torrentId, long snatches) {
        Swarm swarm = swarms.get(torrentId);
        if (swarm != null) {
            return swarm;
        }
        return swarms.computeIfAbsent(torrentId, id -> {
            Swarm created = new Swarm(id, snatches, listener, leechingUsers);
            loader.load(id).forEach(created::restore);
            return created;
        });
    }

    /** A torrent's live numbers; all zero but the recorded snatches when this node holds no swarm for it. */
    public SwarmCounts counts(long torrentId, long recordedSnatches) {
        Swarm swarm = swarms.get(torrentId);
        return swarm != null ? swarm.counts() : new SwarmCounts(0, 0, 0, recordedSnatches);
    }

    /** Every swarm this node holds, including ones whose peers have all left. */
    Iterable<Swarm> all() {
        return swarms.values();
    }

    /** The swarm of a torrent if it has one on this node, or {@code null}. */
    public Swarm find(long torrentId) {
        return swarms.get(torrentId);
    }

    /**
     * Starts putting every recorded peer back while the rest of the application is created: with a million
     * peers this is seconds of work, and start-up would otherwise do it after everything else.
     */
    @Override
    public void afterPropertiesSet() {
        restoring = new FutureTask<>(() -> {
            long started = System.nanoTime();
            int restored = loader.loadAll((torrentId, peer, snatches) ->
                    swarms.computeIfAbsent(torrentId, id -> new Swarm(id, snatches, listener, leechingUsers)).restore(peer));
            log.info("Restored {} peers from PostgreSQL into {} swarms in {} ms", restored, swarms.size(),
                    (System.nanoTime() - started) / 1_000_000);
            return restored;
        });
        Thread thread = new Thread(restoring, "peer-restore");
        thread.setDaemon(true); // a failed start-up must not wait for it
        thread.start();
    }

    /** Waits for the recorded peers before the web server accepts announces; start-up fails if they cannot be read. */
    @Override
    public void afterSingletonsInstantiated() {
        try {
            restoring.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Recorded peers could not be restored", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while restoring recorded peers", e);
        }
    }

    @Scheduled(fixedDelayString = "${tracker.swarm.reap-interval:1m}")
    public void reapStalePeers() {
        long now = clock.millis();
        long staleBefore = now - properties.peerTimeout().toMillis();
        long forgetBefore = now - properties.peerRetention().toMillis();
        for (Swarm swarm : swarms.values()) {
            swarm.reap(staleBefore, forgetBefore);
        }
    }
}
