package org.swarmkeeper.swarm;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.swarmkeeper.protocol.PeerId;

/**
 * One peer as last announced: an immutable snapshot, replaced on every announce. Its counters are the
 * baseline the next announce's delta is computed against. A peer is (torrent, user, peer_id).
 *
 * @param compactV4 the IPv4 endpoint in compact form, or {@code null}
 * @param compactV6 the IPv6 endpoint in compact form, or {@code null} (BEP 7: one peer, two endpoints)
 * @param lastViaV6 whether the last announce came over IPv6: a dual-stack client announces once per family
 */
public record PeerState(
        long torrentId,
        long userId,
        PeerId peerId,
        byte[] key,
        byte[] compactV4,
        byte[] compactV6,
        long uploaded,
        long downloaded,
        long left,
        boolean partialSeed,
        String userAgent,
        long firstAnnounceMillis,
        long lastAnnounceMillis,
        boolean active,
        boolean lastViaV6) {

    private static final int MAX_USER_AGENTS = 4096;
    private static final ConcurrentMap<String, String> USER_AGENTS = new ConcurrentHashMap<>();

    /**
     * One shared instance per distinct User-Agent: a million peers run a few dozen client versions, and a
     * String each would be a sixth of a peer's memory. The set starts over past a few thousand distinct values
     * (a client sending random ones), so that later client versions are still shared.
     */
    public static String canonicalUserAgent(String userAgent) {
        if (userAgent == null) {
            return null;
        }
        String known = USER_AGENTS.get(userAgent);
        if (known != null) {
            return known;
        }
        if (USER_AGENTS.size() >= MAX_USER_AGENTS) {
            USER_AGENTS.clear(); // a client sending random ones: start over rather than freeze the set
        }
        String previous = USER_AGENTS.putIfAbsent(userAgent, userAgent);
        return previous != null ? previous : userAgent;
    }

    public boolean seeding() {
        return left == 0;
    }

    /** A leecher is downloading: not complete and not a BEP 21 partial seed. */
    public boolean leeching() {
        return left > 0 && !partialSeed;
    }

    PeerState inactive() {
        return new PeerState(torrentId, userId, peerId, key, compactV4, compactV6, uploaded, downloaded, left,
                partialSeed, userAgent, firstAnnounceMillis, lastAnnounceMillis, false, lastViaV6);
    }
}
