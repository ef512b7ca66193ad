package org.swarmkeeper.swarm;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.swarmkeeper.protocol.ClientFamily;
import org.swarmkeeper.protocol.ListedPeer;
import org.swarmkeeper.protocol.PeerAddresses;
import org.swarmkeeper.protocol.PeerId;

/**
 * One peer of a swarm as last announced. Its counters are the baseline the next announce's delta is computed
 * against. A peer is (torrent, user, peer_id); the torrent is its swarm's, and travels beside it
 * ({@link PeerChange#torrentId}) rather than in a million copies.
 *
 * <p>The swarm updates its stored peer in place ({@link #assign}), under the swarm's lock: a new object per
 * announce would live until the peer's next announce, so young collections copied the last seconds' peers and
 * scanned the swarm arrays that pointed at them. The state an announce hands to accounting and the peers the
 * admin API lists are {@link #snapshot}s, never changed again. The stored peer itself is read under the
 * swarm's lock ({@link Swarm#peer}); an answer's {@code PeerList} keeps references to stored peers only for
 * their identity (user, peer_id), which never changes, and copies their endpoints.
 *
 * <p>A node holds one of these per peer, a million of them on a busy node, so the peer_id, the key (up to 8
 * bytes, as every known client sends) and the IPv4 endpoint are kept inline as numbers rather than as
 * objects of their own: 112 bytes instead of the 300 a record of arrays took. The accessors rebuild the
 * byte forms on demand; the announce path uses {@link #is}, {@link #hasKey} and {@link #compactV4Bits},
 * which allocate nothing.
 */
public final class PeerState implements ListedPeer {

    private static final int MAX_USER_AGENTS = 4096;
    private static final ConcurrentMap<String, String> USER_AGENTS = new ConcurrentHashMap<>();
    private static final byte NO_KEY = -1;
    private static final byte LONG_KEY = -2;
    private static final Reachability[] REACHABILITIES = Reachability.values();

    private final long userId;
    private final long peerIdBytes0to7;
    private final long peerIdBytes8to15;
    private final int peerIdBytes16to19;
    /** Keys of up to 8 bytes, right-aligned; {@link #keyLength} tells how many. */
    private long shortKey;
    private byte keyLength;
    /** Keys longer than 8 bytes (none of the known clients sends one), else {@code null}. */
    private byte[] longKey;
    private long compactV4Bits;
    private byte[] compactV6;
    private long uploaded;
    private long downloaded;
    private long left;
    private String userAgent;
    private long firstAnnounceMillis;
    private long lastAnnounceMillis;
    private boolean partialSeed;
    private boolean active;
    private boolean stopped;
    private boolean lastViaV6;
    /** A {@link Reachability}'s ordinal: a byte fits the padding after the flags, so a peer costs nothing more. */
    private byte reachability;

    /**
     * @param key        the client's session key, or {@code null}
     * @param compactV4  the IPv4 endpoint in compact form, or {@code null}
     * @param compactV6  the IPv6 endpoint in compact form, or {@code null} (BEP 7: one peer, two endpoints)
     * @param active     whether the peer is in the peer lists
     * @param stopped    whether it left them with {@code event=stopped} (not by falling silent)
     * @param lastViaV6  whether the last announce came over IPv6: a dual-stack client announces once per family
     */
    public PeerState(long userId, PeerId peerId, byte[] key, byte[] compactV4, byte[] compactV6,
                     long uploaded, long downloaded, long left, boolean partialSeed, String userAgent,
                     long firstAnnounceMillis, long lastAnnounceMillis, boolean active, boolean stopped,
                     boolean lastViaV6) {
        this.userId = userId;
        this.peerIdBytes0to7 = peerId.bytes0to7();
        this.peerIdBytes8to15 = peerId.bytes8to15();
        this.peerIdBytes16to19 = peerId.bytes16to19();
        if (key == null) {
            this.keyLength = NO_KEY;
            this.shortKey = 0;
            this.longKey = null;
        } else if (key.length <= Long.BYTES) {
            this.keyLength = (byte) key.length;
            this.shortKey = packed(key);
            this.longKey = null;
        } else {
            this.keyLength = LONG_KEY;
            this.shortKey = 0;
            this.longKey = key.clone();
        }
        this.compactV4Bits = compactV4 == null ? NO_V4 : PeerAddresses.v4Bits(compactV4);
        this.compactV6 = compactV6;
        this.uploaded = uploaded;
        this.downloaded = downloaded;
        this.left = left;
        this.partialSeed = partialSeed;
        this.userAgent = userAgent;
        this.firstAnnounceMillis = firstAnnounceMillis;
        this.lastAnnounceMillis = lastAnnounceMillis;
        this.active = active;
        this.stopped = stopped;
        this.lastViaV6 = lastViaV6;
    }

    private PeerState(PeerState peer) {
        this.userId = peer.userId;
        this.peerIdBytes0to7 = peer.peerIdBytes0to7;
        this.peerIdBytes8to15 = peer.peerIdBytes8to15;
        this.peerIdBytes16to19 = peer.peerIdBytes16to19;
        assign(peer);
    }

    /** A copy that nothing changes: what may leave the swarm's lock. */
    PeerState snapshot() {
        return new PeerState(this);
    }

    /** Takes the state of the same peer's newer {@code state}, in place. */
    void assign(PeerState state) {
        if (!state.is(userId, peerIdBytes0to7, peerIdBytes8to15, peerIdBytes16to19)) {
            throw new IllegalArgumentException(state + " is not the peer " + this);
        }
        shortKey = state.shortKey;
        keyLength = state.keyLength;
        compactV4Bits = state.compactV4Bits;
        uploaded = state.uploaded;
        downloaded = state.downloaded;
        left = state.left;
        partialSeed = state.partialSeed;
        // References only when their value changes: G1 marks a card for every reference stored into an old
        // object, even the same one, and a young collection scans every marked card. A stored peer is old; the
        // User-Agent is shared, and the arrays are never changed, so an equal one is kept.
        if (userAgent != state.userAgent) {
            userAgent = state.userAgent;
        }
        if (!Arrays.equals(longKey, state.longKey)) {
            longKey = state.longKey;
        }
        if (!Arrays.equals(compactV6, state.compactV6)) {
            compactV6 = state.compactV6;
        }
        firstAnnounceMillis = state.firstAnnounceMillis;
        lastAnnounceMillis = state.lastAnnounceMillis;
        active = state.active;
        stopped = state.stopped;
        lastViaV6 = state.lastViaV6;
        reachability = state.reachability;
    }

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

    /** Whether this is {@code userId}'s peer with the peer_id these numbers make ({@link PeerId#bytes0to7} …). */
    boolean is(long userId, long bytes0to7, long bytes8to15, int bytes16to19) {
        return this.userId == userId && peerIdBytes0to7 == bytes0to7 && peerIdBytes8to15 == bytes8to15
                && peerIdBytes16to19 == bytes16to19;
    }


    /** Whether the peer announced with this key ({@code null}: without one). */
    public boolean hasKey(byte[] key) {
        if (key == null || keyLength == NO_KEY) {
            return key == null && keyLength == NO_KEY;
        }
        if (keyLength == LONG_KEY) {
            return Arrays.equals(longKey, key);
        }
        return key.length == keyLength && packed(key) == shortKey;
    }

    /** Up to 8 bytes as one number, right-aligned. */
    private static long packed(byte[] bytes) {
        long packed = 0;
        for (byte b : bytes) {
            packed = packed << 8 | (b & 0xff);
        }
        return packed;
    }

    public long userId() {
        return userId;
    }

    /** The peer_id's bytes 0–7, as {@link PeerId#bytes0to7}: keys and comparisons without building a PeerId. */
    public long peerIdBytes0to7() {
        return peerIdBytes0to7;
    }

    /** The peer_id's bytes 8–15, as {@link PeerId#bytes8to15}. */
    public long peerIdBytes8to15() {
        return peerIdBytes8to15;
    }

    /** The peer_id's bytes 16–19, as {@link PeerId#bytes16to19}. */
    public int peerIdBytes16to19() {
        return peerIdBytes16to19;
    }

    @Override
    public PeerId peerId() {
        return PeerId.of(peerIdBytes0to7, peerIdBytes8to15, peerIdBytes16to19);
    }

    /** The client program, by the peer_id's prefix, without building the peer_id. */
    public ClientFamily clientFamily() {
        return ClientFamily.ofPeerIdStart(peerIdBytes0to7);
    }

    /** The session key, or {@code null}. */
    public byte[] key() {
        if (keyLength == NO_KEY) {
            return null;
        }
        if (keyLength == LONG_KEY) {
            return longKey.clone();
        }
        byte[] key = new byte[keyLength];
        for (int i = keyLength - 1, shift = 0; i >= 0; i--, shift += 8) {
            key[i] = (byte) (shortKey >>> shift);
        }
        return key;
    }

    /** The IPv4 endpoint in compact form, or {@code null}. */
    public byte[] compactV4() {
        return compactV4Bits == NO_V4 ? null : PeerAddresses.v4Compact(compactV4Bits);
    }

    @Override
    public long compactV4Bits() {
        return compactV4Bits;
    }

    @Override
    public byte[] compactV6() {
        return compactV6;
    }

    public long uploaded() {
        return uploaded;
    }

    public long downloaded() {
        return downloaded;
    }

    public long left() {
        return left;
    }

    public boolean partialSeed() {
        return partialSeed;
    }

    public String userAgent() {
        return userAgent;
    }

    public long firstAnnounceMillis() {
        return firstAnnounceMillis;
    }

    public long lastAnnounceMillis() {
        return lastAnnounceMillis;
    }

    public boolean active() {
        return active;
    }

    /** Left the peer lists with {@code event=stopped}: no time after that is active time. */
    public boolean stopped() {
        return stopped;
    }

    public boolean lastViaV6() {
        return lastViaV6;
    }

    public Reachability reachability() {
        return REACHABILITIES[reachability];
    }

    /** What a probe of this peer's endpoint found; the next announce from the same endpoint keeps it. */
    void reachability(Reachability found) {
        reachability = (byte) found.ordinal();
    }

    /** Whether {@code other} announced from the same endpoints, so what was found about this one holds for it. */
    boolean sameEndpoints(PeerState other) {
        return compactV4Bits == other.compactV4Bits && Arrays.equals(compactV6, other.compactV6);
    }

    public boolean seeding() {
        return left == 0;
    }

    /** A leecher is downloading: not complete and not a BEP 21 partial seed. */
    public boolean leeching() {
        return left > 0 && !partialSeed;
    }

    /** A snapshot of this peer taken out of the peer lists. */
    PeerState inactive() {
        PeerState inactive = snapshot();
        inactive.active = false;
        return inactive;
    }

    @Override
    public String toString() {
        return "PeerState[user " + userId + ", " + peerId() + ", up " + uploaded
                + ", down " + downloaded + ", left " + left + (active ? ", active" : ", inactive") + "]";
    }
}
