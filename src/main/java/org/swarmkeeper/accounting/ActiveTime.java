package org.swarmkeeper.accounting;

import org.springframework.stereotype.Component;
import org.swarmkeeper.swarm.SwarmProperties;

/**
 * Credit is judged over the time a peer was active. Between two announces of a peer, that is the time elapsed
 * since the first, up to the longest interval it may have been handed (a leecher's may be longer) plus a tolerance
 * ({@link AnnounceCadence}) and never past the peer timeout; after {@code stopped}, none until it announces again.
 */
@Component
public class ActiveTime {

    private final long capMillis;
    private final long leechingCapMillis;

    public ActiveTime(AnnounceCadence cadence, SwarmProperties swarm) {
        this.capMillis = Math.min(cadence.activeGapMillis(), swarm.peerTimeout().toMillis());
        this.leechingCapMillis = Math.min(cadence.leechingActiveGapMillis(), swarm.peerTimeout().toMillis());
    }

    /**
     * The active time between a peer's last announce (then {@code stopped} or not, {@code leeching} or not) and an
     * announce at {@code now}.
     */
    public long millis(boolean stopped, boolean leeching, long lastAnnounceMillis, long nowMillis) {
        return stopped ? 0 : Math.max(0, Math.min(nowMillis - lastAnnounceMillis,
                leeching ? leechingCapMillis : capMillis));
    }

    /**
     * The most upload believable over {@code activeMillis} at {@code ceiling} bytes a second. A peer that did not
     * stop is allowed at least one second's worth, so that announces close together cannot hide a burst behind a
     * tiny interval; a stopped one is allowed nothing.
     */
    public static long uploadAllowance(boolean stopped, long activeMillis, long ceiling) {
        if (stopped) {
            return 0;
        }
        double bytes = (double) ceiling * Math.max(1_000, activeMillis) / 1_000;
        return bytes >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) bytes;
    }
}
