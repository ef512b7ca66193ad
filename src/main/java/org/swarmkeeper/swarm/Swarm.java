package org.swarmkeeper.swarm;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.AnnounceRequest;
import org.swarmkeeper.protocol.PeerAddresses;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.protocol.PeerList;

/**
 * The live peers of one torrent. Every method locks the swarm; peer changes reach the listener under that
 * lock, so accounting sees each peer's transitions in the order they happened. A caller may hold the swarm's
 * monitor around {@link #peer}, {@link #activePeersOf} and {@link #announce} to decide and announce in one step.
 */
public final class Swarm {

    /** The result of one announce: the answer's numbers and peers. */
    public record Outcome(SwarmCounts counts, PeerList peers, boolean unknownPeerStopped) {
    }

    private record PeerKey(long userId, PeerId peerId) {
    }

    /** A peer slot: its current state and its position in {@link #live} (-1 when inactive). */
    private static final class Slot {
        PeerState state;
        int liveIndex = -1;

        Slot(PeerState state) {
            this.state = state;
        }
    }

    private final long torrentId;
    private final PeerChangeListener listener;
    private final Map<PeerKey, Slot> peers = new HashMap<>();
    private Slot[] live = new Slot[8];
    private int liveCount;
    private int seeders;
    private int leechers;
    private int partialSeeds;
    /** Live peers per user, changed only when a peer joins or leaves the lists. */
    private final Map<Long, Integer> activeByUser = new HashMap<>();
    private volatile long snatches;

    Swarm(long torrentId, long snatches, PeerChangeListener listener) {
        this.torrentId = torrentId;
        this.snatches = snatches;
        this.listener = listener;
    }

    /**
     * Applies one announce of {@code userId} from {@code address} and chooses the peers to answer with:
     * up to {@code numwant} at random, never the user's own peers, only leechers for a seeder or partial seed.
     */
    public synchronized Outcome announce(long userId, AnnounceRequest request, InetAddress address,
                                         String userAgent, long nowMillis, int numwant, boolean withholdUploadCredit) {
        PeerKey key = new PeerKey(userId, request.peerId());
        Slot slot = peers.get(key);
        PeerState before = slot == null ? null : slot.state;
        boolean stopped = request.event() == AnnounceEvent.STOPPED;
        if (stopped && before == null) {
            return new Outcome(counts(), new PeerList(0), true);
        }
        PeerState after = next(before, userId, request, address, userAgent, nowMillis);
        if (slot == null) {
            slot = new Slot(after);
            peers.put(key, slot);
            if (after.active()) {
                join(slot);
            }
        } else if (slot.liveIndex >= 0 && after.active()) {
            // The usual re-announce: stays in the peer lists, maybe seeding now.
            count(slot.state, -1);
            slot.state = after;
            count(after, 1);
        } else {
            leave(slot);
            slot.state = after;
            if (after.active()) {
                join(slot);
            }
        }
        listener.onPeerChange(new PeerChange(before, after, request.event(), withholdUploadCredit));
        PeerList chosen = stopped ? new PeerList(0) : choose(userId, !after.leeching(), numwant);
        return new Outcome(counts(), chosen, false);
    }

    /**
     * The peers an announce of this user would get, without recording the announce: for answers given while the
     * announce itself cannot be recorded. {@code seeding}: only leechers are chosen.
     */
    public synchronized Outcome peersFor(long userId, boolean seeding, int numwant) {
        return new Outcome(counts(), choose(userId, seeding, numwant), false);
    }

    /** The peer's current state, or {@code null} when this swarm has never seen it. */
    public synchronized PeerState peer(long userId, PeerId peerId) {
        Slot slot = peers.get(new PeerKey(userId, peerId));
        return slot == null ? null : slot.state;
    }

    /** How many peers of this user are in the peer lists. */
    public synchronized int activePeersOf(long userId) {
        Integer count = activeByUser.get(userId);
        return count == null ? 0 : count;
    }

    private PeerState next(PeerState before, long userId, AnnounceRequest request, InetAddress address,
                           String userAgent, long nowMillis) {
        boolean sameSession = before != null && Arrays.equals(before.key(), request.key());
        byte[] endpoint = PeerAddresses.compact(address, request.port());
        boolean v4 = PeerAddresses.isV4(address);
        byte[] compactV4 = v4 ? endpoint : sameSession ? before.compactV4() : null;
        byte[] compactV6 = !v4 ? endpoint : sameSession ? before.compactV6() : null;
        boolean partialSeed = request.event() == AnnounceEvent.PAUSED && request.left() > 0;
        return new PeerState(torrentId, userId, request.peerId(), request.key(), compactV4, compactV6,
                request.uploaded(), request.downloaded(), request.left(), partialSeed, userAgent,
                before == null ? nowMillis : before.firstAnnounceMillis(), nowMillis,
                request.event() != AnnounceEvent.STOPPED, !v4);
    }

    /**
     * A uniform random sample: a partial Fisher-Yates shuffle of the live list, stopping once {@code numwant}
     * peers qualified. Work is proportional to the peers looked at, not to the swarm.
     */
    private PeerList choose(long userId, boolean onlyLeechers, int numwant) {
        PeerList chosen = new PeerList(Math.min(numwant, liveCount));
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < liveCount && chosen.size() < numwant; i++) {
            swapLive(i, i + random.nextInt(liveCount - i));
            PeerState candidate = live[i].state;
            if (candidate.userId() != userId && (!onlyLeechers || candidate.leeching())) {
                chosen.add(candidate.compactV4(), candidate.compactV6(), candidate.peerId());
            }
        }
        return chosen;
    }

    private void swapLive(int i, int j) {
        Slot a = live[i];
        live[i] = live[j];
        live[j] = a;
        live[i].liveIndex = i;
        live[j].liveIndex = j;
    }

    private void join(Slot slot) {
        if (live.length == liveCount) {
            live = Arrays.copyOf(live, liveCount * 2);
        }
        slot.liveIndex = liveCount;
        live[liveCount++] = slot;
        count(slot.state, 1);
        activeByUser.merge(slot.state.userId(), 1, Integer::sum);
    }

    private void leave(Slot slot) {
        if (slot.liveIndex < 0) {
            return;
        }
        Slot last = live[--liveCount];
        live[slot.liveIndex] = last;
        last.liveIndex = slot.liveIndex;
        live[liveCount] = null;
        slot.liveIndex = -1;
        count(slot.state, -1);
        activeByUser.computeIfPresent(slot.state.userId(), (user, count) -> count == 1 ? null : count - 1);
    }

    private void count(PeerState state, int delta) {
        if (state.seeding()) {
            seeders += delta;
        } else if (state.partialSeed()) {
            partialSeeds += delta;
        } else {
            leechers += delta;
        }
    }

    /**
     * Takes peers silent since {@code staleBeforeMillis} out of the peer lists (reported to the listener, so
     * the database marks them inactive) and forgets inactive peers last seen before {@code forgetBeforeMillis}.
     */
    public synchronized void reap(long staleBeforeMillis, long forgetBeforeMillis) {
        for (Iterator<Slot> it = peers.values().iterator(); it.hasNext(); ) {
            Slot slot = it.next();
            PeerState state = slot.state;
            if (state.active() && state.lastAnnounceMillis() < staleBeforeMillis) {
                leave(slot);
                slot.state = state.inactive();
                listener.onPeerChange(new PeerChange(state, slot.state, AnnounceEvent.NONE));
            } else if (!state.active() && state.lastAnnounceMillis() < forgetBeforeMillis) {
                it.remove();
            }
        }
    }

    /** Puts back a peer loaded from the database at start-up, without reporting it as a change. */
    synchronized void restore(PeerState state) {
        Slot slot = new Slot(state);
        Slot previous = peers.put(new PeerKey(state.userId(), state.peerId()), slot);
        if (previous != null) {
            leave(previous);
        }
        if (state.active()) {
            join(slot);
        }
    }

    public synchronized SwarmCounts counts() {
        return new SwarmCounts(seeders, leechers, partialSeeds, snatches);
    }

    /** The peers currently in the peer lists, for admin views. */
    public synchronized List<PeerState> activePeers() {
        List<PeerState> result = new ArrayList<>(liveCount);
        forEachActivePeer(result::add);
        return result;
    }

    /** Visits the peers currently in the peer lists under the swarm's lock, without copying them. */
    synchronized void forEachActivePeer(Consumer<PeerState> visitor) {
        for (int i = 0; i < liveCount; i++) {
            visitor.accept(live[i].state);
        }
    }

    /** Set from the database after a flush recorded snatches: it counts each user once per torrent. */
    public void snatches(long snatches) {
        this.snatches = snatches;
    }
}
