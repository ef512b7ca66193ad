package org.swarmkeeper.accounting;

/**
 * Credit is judged over the time a peer was active. Between two announces of a peer, that is the time elapsed while
 * it was in the swarm, up to the peer timeout (the interval handed out plus a tolerance); after {@code stopped} or
 * after the peer timed out, no time counts until it announces again.
 */
public final class ActiveTime {

    private ActiveTime() {
    }

    /** The active time between a peer's state ({@code wasActive}, its last announce) and an announce at {@code now}. */
    public static long millis(boolean wasActive, long lastAnnounceMillis, long nowMillis, long peerTimeoutMillis) {
        return wasActive ? Math.max(0, Math.min(nowMillis - lastAnnounceMillis, peerTimeoutMillis)) : 0;
    }

    /**
     * The most upload believable over {@code activeMillis} at {@code ceiling} bytes a second. An active peer is
     * allowed at least one second's worth, so that announces close together cannot hide a burst behind a tiny
     * interval; a peer that was not active is allowed nothing.
     */
    public static long uploadAllowance(boolean wasActive, long activeMillis, long ceiling) {
        if (!wasActive) {
            return 0;
        }
        double bytes = (double) ceiling * Math.max(1_000, activeMillis) / 1_000;
        return bytes >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) bytes;
    }
}
