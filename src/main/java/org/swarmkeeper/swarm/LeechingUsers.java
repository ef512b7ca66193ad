package org.swarmkeeper.swarm;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * How many torrents each user is leeching on this node: swarms in which the user has a peer in the peer lists that
 * is downloading (partial seeds and seeders do not count). Kept by the swarms as their peers come and go; one
 * entry per leeching user, whatever the number of peers.
 */
public final class LeechingUsers {

    private final ConcurrentMap<Long, Integer> torrents = new ConcurrentHashMap<>();

    public int torrentsOf(long userId) {
        return torrents.getOrDefault(userId, 0);
    }

    /** The user started ({@code true}) or stopped leeching one torrent. */
    void changed(long userId, boolean leeching) {
        torrents.merge(userId, leeching ? 1 : -1, (count, delta) -> count + delta <= 0 ? null : count + delta);
    }
}
