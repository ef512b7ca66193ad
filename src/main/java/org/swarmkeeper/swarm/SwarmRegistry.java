package org.swarmkeeper.swarm;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Every live swarm of this node, by torrent id. */
@Component
public class SwarmRegistry {

    private final ConcurrentMap<Long, Swarm> swarms = new ConcurrentHashMap<>();
    private final PeerChangeListener listener;
    private final SwarmProperties properties;

    public SwarmRegistry(PeerChangeListener listener, SwarmProperties properties) {
        this.listener = listener;
        this.properties = properties;
    }

    /** The swarm of a torrent, created on first use with the torrent's recorded snatch count. */
    public Swarm swarm(long torrentId, long snatches) {
        return swarms.computeIfAbsent(torrentId, id -> new Swarm(id, snatches, listener));
    }

    /** The swarm of a torrent if it has one on this node, or {@code null}. */
    public Swarm find(long torrentId) {
        return swarms.get(torrentId);
    }

    public Collection<Swarm> all() {
        return swarms.values();
    }

    /** Puts back a peer loaded from the database at start-up. */
    public void restore(PeerState state, long snatches) {
        swarm(state.torrentId(), snatches).restore(state);
    }

    @Scheduled(fixedDelayString = "${tracker.swarm.reap-interval:1m}")
    public void reapStalePeers() {
        long now = System.currentTimeMillis();
        long staleBefore = now - properties.peerTimeout().toMillis();
        long forgetBefore = now - properties.peerRetention().toMillis();
        for (Swarm swarm : swarms.values()) {
            swarm.reap(staleBefore, forgetBefore);
        }
    }
}
