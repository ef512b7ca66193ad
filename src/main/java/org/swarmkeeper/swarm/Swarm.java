package org.swarmkeeper.swarm;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    public record Outcome(SwarmCounts counts, PeerList peers) {
    }

    /** No slots: what an empty pick holds. */
    private static final int[] NONE = new int[0];

    /** Peers of one user kept in one swarm, in or out of the peer lists (policy caps the ones in: 3 by default). */
    public static final int MAX_STORED_PEERS_PER_USER = 16;

    private final long torrentId;
    private final PeerChangeListener listener;
    private final LeechingUsers leechingUsers;

    /*
     * Every peer this swarm knows, active or not, in slots 0..size-1 (a removed peer's slot takes the last one).
     * A million peers on a node each cost their PeerState and under 30 bytes here, growth slack included: no
     * map entry, key or holder object per peer.
     */
    private PeerState[] slots = new PeerState[4];
    /** Per slot: its position in {@link #live}, or -1 when the peer is not in the peer lists. */
    private int[] liveIndex = new int[4];
    private int size;
    /**
     * The slots of the peers in the peer lists, in 0..liveCount-1, the seeders in 0..liveSeeders-1: what answers
     * are chosen from.
     */
    private int[] live = new int[4];
    private int liveCount;
    private int liveSeeders;
    /** Where the next leecher's seeders start in {@code live}: each is shown in turn. */
    private int seederCursor;
    /**
     * Open addressing over the slots (slot + 1; 0 is empty), linear probing from a hash of the user id alone:
     * a user's peers sit in one run of cells, so counting them needs no map of its own. That run stays short:
     * one user keeps at most {@link #MAX_STORED_PEERS_PER_USER} peers here.
     */
    private int[] index = new int[8];
    private int seeders;
    private int leechers;
    private int partialSeeds;
    private volatile long snatches;

    Swarm(long torrentId, long snatches, PeerChangeListener listener) {
        this(torrentId, snatches, listener, new LeechingUsers());
    }

    Swarm(long torrentId, long snatches, PeerChangeListener listener, LeechingUsers leechingUsers) {
        this.torrentId = torrentId;
        this.snatches = snatches;
        this.listener = listener;
        this.leechingUsers = leechingUsers;
    }

    /**
     * Applies one announce of {@code userId} from {@code address} and chooses the peers to answer with, as
     * {@code shape} says (see {@link ListShape}), never the user's own peers.
     */
    public synchronized Outcome announce(long userId, AnnounceRequest request, InetAddress address,
                                         String userAgent, long nowMillis, ListShape shape, CreditGrant grant) {
        return announce(userId, request, address, userAgent, nowMillis, shape, grant, Reachability.UNKNOWN);
    }

    /**
     * The same, with what is known of the request's endpoint: {@code found}, unless {@link Reachability#UNKNOWN},
     * replaces what was found of the peer's endpoint before (and what it carries into accounting).
     */
    public synchronized Outcome announce(long userId, AnnounceRequest request, InetAddress address,
                                         String userAgent, long nowMillis, ListShape shape, CreditGrant grant,
                                         Reachability found) {
        int slot = find(userId, request.peerId());
        PeerState before = slot < 0 ? null : slots[slot];
        boolean stopped = request.event() == AnnounceEvent.STOPPED;
        // A stopped peer this swarm does not hold is recorded too, out of the lists: another node may have served
        // it, and its last bytes are credited against the row that node wrote.
        PeerState after = next(before, userId, request, address, userAgent, nowMillis);
        if (found != Reachability.UNKNOWN) {
            after.reachability(found);
        }
        listener.onPeerChange(new PeerChange(torrentId, before, after, request.event(), grant, Math.max(1, seeders)));
        boolean wasLeeching = leeching(userId);
        if (slot < 0) {
            add(after.snapshot()); // the listener may keep after: the stored peer is another object
        } else {
            update(slot, after);
        }
        leechingChanged(userId, wasLeeching);
        PeerList chosen = stopped ? new PeerList(0) : choose(userId, !after.leeching(), shape);
        return new Outcome(counts(), chosen);
    }

    /**
     * The peers an announce of this user would get, without recording the announce: for answers given while the
     * announce itself cannot be recorded. {@code seeding}: only leechers are chosen.
     */
    public synchronized Outcome peersFor(long userId, boolean seeding, ListShape shape) {
        return new Outcome(counts(), choose(userId, seeding, shape));
    }

    /**
     * Records what a probe found about this peer's {@code endpoint} (compact form); nothing when the peer has moved
     * since (the finding was about its old endpoint) or is gone.
     */
    public synchronized void reachability(long userId, PeerId peerId, byte[] endpoint, Reachability found) {
        int slot = find(userId, peerId);
        if (slot < 0) {
            return;
        }
        PeerState peer = slots[slot];
        boolean same = endpoint.length == PeerAddresses.COMPACT_V4
                ? peer.compactV4Bits() == PeerAddresses.v4Bits(endpoint)
                : Arrays.equals(peer.compactV6(), endpoint);
        if (same) {
            peer.reachability(found);
        }
    }

    /**
     * The stored peer, or {@code null} when this swarm has never seen it. It changes with the peer's next
     * announce: read it while holding the swarm's monitor.
     */
    public synchronized PeerState peer(long userId, PeerId peerId) {
        int slot = find(userId, peerId);
        return slot < 0 ? null : slots[slot];
    }

    /** Whether this user has a downloading peer in the peer lists. */
    public synchronized boolean leeching(long userId) {
        for (int cell = home(userId); index[cell] != 0; cell = next(cell)) {
            int slot = index[cell] - 1;
            if (slots[slot].userId() == userId && liveIndex[slot] >= 0 && slots[slot].leeching()) {
                return true;
            }
        }
        return false;
    }

    private void leechingChanged(long userId, boolean wasLeeching) {
        boolean leeching = leeching(userId);
        if (leeching != wasLeeching) {
            leechingUsers.changed(userId, leeching);
        }
    }

    /** How many peers of this user are in the peer lists. */
    public synchronized int activePeersOf(long userId) {
        int count = 0;
        for (int cell = home(userId); index[cell] != 0; cell = next(cell)) {
            int slot = index[cell] - 1;
            count += slots[slot].userId() == userId && liveIndex[slot] >= 0 ? 1 : 0;
        }
        return count;
    }

    private PeerState next(PeerState before, long userId, AnnounceRequest request, InetAddress address,
                           String userAgent, long nowMillis) {
        boolean sameSession = before != null && before.hasKey(request.key());
        byte[] endpoint = PeerAddresses.compact(address, request.port());
        boolean v4 = PeerAddresses.isV4(address);
        byte[] compactV4 = v4 ? endpoint : sameSession ? before.compactV4() : null;
        byte[] compactV6 = !v4 ? endpoint : sameSession ? before.compactV6() : null;
        boolean partialSeed = request.event() == AnnounceEvent.PAUSED && request.left() > 0;
        PeerState after = new PeerState(userId, request.peerId(), request.key(), compactV4, compactV6,
                request.uploaded(), request.downloaded(), request.left(), partialSeed, userAgent,
                before == null ? nowMillis : before.firstAnnounceMillis(), nowMillis,
                request.event() != AnnounceEvent.STOPPED, request.event() == AnnounceEvent.STOPPED, !v4);
        if (before != null && before.sameEndpoints(after)) {
            after.reachability(before.reachability());
        }
        return after;
    }

    /**
     * The peers for an announce of {@code userId}, as {@code shape} says. A leecher's seeders come round-robin
     * from {@link #seederCursor}, so every seeder is shown in turn; leechers are a uniform random sample (a
     * partial Fisher-Yates shuffle of the non-seeders). Work is proportional to the peers looked at, not to the
     * swarm, unless most peers are passed over (the user's own, unconnectable, or of users already listed).
     */
    private PeerList choose(long userId, boolean onlyLeechers, ListShape shape) {
        int numwant = Math.min(shape.numwant(), liveCount);
        PeerList chosen = new PeerList(numwant);
        if (numwant == 0) {
            return chosen;
        }
        ListedUsers listed = new ListedUsers(userId, numwant);
        int[] seeders = NONE;
        int seederCount = 0;
        if (!onlyLeechers) {
            seeders = new int[shape.seederQuota(liveSeeders)];
            seederCount = pickSeeders(seeders, listed, shape.skipUnconnectable());
        }
        if (shape.seedersFirst()) {
            addAll(chosen, seeders, seederCount);
        }
        int[] others = new int[numwant - seederCount];
        addAll(chosen, others, sampleOthers(others, listed, onlyLeechers, shape.skipUnconnectable()));
        if (!shape.seedersFirst()) {
            addAll(chosen, seeders, seederCount);
        }
        return chosen;
    }

    private void addAll(PeerList chosen, int[] picked, int count) {
        for (int i = 0; i < count; i++) {
            chosen.add(slots[picked[i]]);
        }
    }

    /**
     * Fills {@code picked} with seeders' slots from the cursor on, best first; returns how many. Looks at a bounded
     * number of seeders: in a swarm of passed-over ones, the list takes the best of those looked at.
     */
    private int pickSeeders(int[] picked, ListedUsers listed, boolean skipUnconnectable) {
        Preference preference = new Preference(picked, listed);
        int looked = 0;
        int budget = lookBudget(picked.length);
        for (int start = liveSeeders == 0 ? 0 : seederCursor % liveSeeders; looked < liveSeeders && looked < budget
                && !preference.full(); looked++) {
            preference.offer(live[(start + looked) % liveSeeders], skipUnconnectable);
        }
        if (liveSeeders > 0) {
            seederCursor = (seederCursor % liveSeeders + looked) % liveSeeders;
        }
        return preference.finish();
    }

    /** Fills {@code picked} with a random sample of the non-seeders' slots, best first; returns how many. */
    private int sampleOthers(int[] picked, ListedUsers listed, boolean onlyLeechers, boolean skipUnconnectable) {
        Preference preference = new Preference(picked, listed);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int end = (int) Math.min(liveCount, (long) liveSeeders + lookBudget(picked.length));
        for (int i = liveSeeders; i < end && !preference.full(); i++) {
            swapLive(i, i + random.nextInt(liveCount - i));
            if (!onlyLeechers || slots[live[i]].leeching()) {
                preference.offer(live[i], skipUnconnectable);
            }
        }
        return preference.finish();
    }

    /** How many peers one list looks at, at most, for {@code wanted} places. */
    private static int lookBudget(int wanted) {
        return 4 * wanted + 64;
    }

    /**
     * Takes offered peers into a list in order of preference: peers not found unconnectable of users not yet
     * listed, as they come; then, once the offers end, unconnectable ones of users not yet listed, then peers of
     * users already listed. The passed-over kinds are kept only as far as they could still be needed.
     */
    private final class Preference {
        private final int[] picked;
        private final ListedUsers listed;
        /** Made at the first peer passed over: most lists pass over none. */
        private int[] unconnectable = NONE;
        private int[] repeated = NONE;
        private int count;
        private int unconnectableCount;
        private int repeatedCount;

        Preference(int[] picked, ListedUsers listed) {
            this.picked = picked;
            this.listed = listed;
        }

        boolean full() {
            return count == picked.length;
        }

        void offer(int slot, boolean skipUnconnectable) {
            PeerState peer = slots[slot];
            if (peer.userId() == listed.self) {
                return;
            }
            boolean isUnconnectable = peer.reachability() == Reachability.UNCONNECTABLE;
            if (isUnconnectable && skipUnconnectable) {
                return;
            }
            if (listed.contains(peer.userId())) {
                repeat(slot);
            } else if (isUnconnectable) {
                if (unconnectable == NONE) {
                    unconnectable = new int[picked.length];
                }
                if (unconnectableCount < unconnectable.length) {
                    unconnectable[unconnectableCount++] = slot;
                }
            } else {
                take(slot);
            }
        }

        private void repeat(int slot) {
            if (repeated == NONE) {
                repeated = new int[picked.length];
            }
            if (repeatedCount < repeated.length) {
                repeated[repeatedCount++] = slot;
            }
        }

        int finish() {
            for (int i = 0; i < unconnectableCount && !full(); i++) {
                if (listed.contains(slots[unconnectable[i]].userId())) {
                    repeat(unconnectable[i]); // an earlier unconnectable peer of the same user was taken
                } else {
                    take(unconnectable[i]);
                }
            }
            for (int i = 0; i < repeatedCount && !full(); i++) {
                take(repeated[i]);
            }
            return count;
        }

        private void take(int slot) {
            picked[count++] = slot;
            listed.add(slots[slot].userId());
        }
    }

    /** The users in one answer so far, and the asking one: open addressing over at most a few hundred ids. */
    private static final class ListedUsers {
        private final long self;
        private final long[] ids;
        private final boolean[] used;

        ListedUsers(long self, int capacity) {
            this.self = self;
            int size = Integer.highestOneBit(Math.max(4, capacity * 2 + 1)) << 1;
            this.ids = new long[size];
            this.used = new boolean[size];
        }

        boolean contains(long userId) {
            for (int cell = cell(userId); used[cell]; cell = (cell + 1) & (ids.length - 1)) {
                if (ids[cell] == userId) {
                    return true;
                }
            }
            return false;
        }

        void add(long userId) {
            int cell = cell(userId);
            while (used[cell]) {
                if (ids[cell] == userId) {
                    return;
                }
                cell = (cell + 1) & (ids.length - 1);
            }
            used[cell] = true;
            ids[cell] = userId;
        }

        private int cell(long userId) {
            return (int) (userId * 0x9E3779B97F4A7C15L >>> 40) & (ids.length - 1);
        }
    }

    private void swapLive(int i, int j) {
        int a = live[i];
        live[i] = live[j];
        live[j] = a;
        liveIndex[live[i]] = i;
        liveIndex[live[j]] = j;
    }

    /**
     * The stored peer in {@code slot} takes the newer {@code state}, in or out of the peer lists as it says; the
     * counts follow. A listed peer keeps its place unless it moves between seeders and the others, so a seeder that
     * re-announces keeps its turn in the round-robin (seeders joining or leaving may shift a turn by a place).
     */
    private void update(int slot, PeerState state) {
        PeerState stored = slots[slot];
        if (liveIndex[slot] >= 0 && state.active() && state.seeding() == stored.seeding()) {
            count(stored, -1);
            stored.assign(state);
            count(stored, 1);
            return;
        }
        leave(slot);
        stored.assign(state);
        if (state.active()) {
            join(slot);
        }
    }

    /** Lists the peer in {@code slot}: seeders are kept in {@code live[0..liveSeeders)}, the others after them. */
    private void join(int slot) {
        if (live.length == liveCount) {
            live = Arrays.copyOf(live, grown(liveCount));
        }
        int position = liveCount++;
        live[position] = slot;
        liveIndex[slot] = position;
        if (slots[slot].seeding()) {
            swapLive(position, liveSeeders++);
        }
        count(slots[slot], 1);
    }

    private void leave(int slot) {
        int position = liveIndex[slot];
        if (position < 0) {
            return;
        }
        if (position < liveSeeders) { // to the seeders' end first, so the partition stays whole
            swapLive(position, --liveSeeders);
            position = liveSeeders;
        }
        swapLive(position, --liveCount);
        liveIndex[slot] = -1;
        count(slots[slot], -1);
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

    /** The slot of this user's peer with this peer_id, or -1. */
    private int find(long userId, PeerId peerId) {
        return find(userId, peerId.bytes0to7(), peerId.bytes8to15(), peerId.bytes16to19());
    }

    /** The slot of this user's peer with the peer_id these numbers make ({@link PeerId#bytes0to7} …), or -1. */
    private int find(long userId, long bytes0to7, long bytes8to15, int bytes16to19) {
        for (int cell = home(userId); index[cell] != 0; cell = next(cell)) {
            if (slots[index[cell] - 1].is(userId, bytes0to7, bytes8to15, bytes16to19)) {
                return index[cell] - 1;
            }
        }
        return -1;
    }

    /**
     * Stores a peer not yet known, in the peer lists if it is active. A user already holding
     * {@link #MAX_STORED_PEERS_PER_USER} peers here first loses the one silent longest among those out of the lists.
     */
    private void add(PeerState state) {
        forgetOldestInactiveIfFull(state.userId());
        if (size == slots.length) {
            slots = Arrays.copyOf(slots, grown(size));
            liveIndex = Arrays.copyOf(liveIndex, slots.length);
        }
        if (2 * (size + 1) > index.length) {
            rehash(index.length * 2);
        }
        int slot = size++;
        slots[slot] = state;
        liveIndex[slot] = -1;
        place(slot);
        if (state.active()) {
            join(slot);
        }
    }

    /**
     * Clients choose a new peer_id per session, and stopped peers are kept for the retention period (weeks), so
     * without a bound a user's run of cells, walked on each of their announces, would grow with every restart
     * of their client, or with a script cycling peer_ids. Forgotten here, a peer's row stays in PostgreSQL.
     */
    private void forgetOldestInactiveIfFull(long userId) {
        int stored = 0;
        int oldest = -1;
        for (int cell = home(userId); index[cell] != 0; cell = next(cell)) {
            int slot = index[cell] - 1;
            if (slots[slot].userId() == userId) {
                stored++;
                if (liveIndex[slot] < 0 && (oldest < 0
                        || slots[slot].lastAnnounceMillis() < slots[oldest].lastAnnounceMillis())) {
                    oldest = slot;
                }
            }
        }
        if (stored >= MAX_STORED_PEERS_PER_USER && oldest >= 0) {
            remove(oldest);
        }
    }

    /** Forgets the peer in {@code slot} (out of the peer lists already); the last slot moves into its place. */
    private void remove(int slot) {
        clear(cellOf(slot));
        int last = --size;
        if (slot != last) {
            index[cellOf(last)] = slot + 1;
            slots[slot] = slots[last];
            liveIndex[slot] = liveIndex[last];
            if (liveIndex[slot] >= 0) {
                live[liveIndex[slot]] = slot;
            }
        }
        slots[last] = null;
    }

    private void place(int slot) {
        int cell = home(slots[slot].userId());
        while (index[cell] != 0) {
            cell = next(cell);
        }
        index[cell] = slot + 1;
    }

    private int cellOf(int slot) {
        int cell = home(slots[slot].userId());
        while (index[cell] != slot + 1) {
            cell = next(cell);
        }
        return cell;
    }

    /** Empties a cell and shifts later entries of its run back, so that no lookup stops short (Knuth 6.4 R). */
    private void clear(int cell) {
        int empty = cell;
        index[empty] = 0;
        for (int probe = next(empty); index[probe] != 0; probe = next(probe)) {
            int home = home(slots[index[probe] - 1].userId());
            // The entry may move back unless its home lies cyclically in (empty, probe].
            boolean stays = empty <= probe ? empty < home && home <= probe : empty < home || home <= probe;
            if (!stays) {
                index[empty] = index[probe];
                index[probe] = 0;
                empty = probe;
            }
        }
    }

    private void rehash(int capacity) {
        index = new int[capacity];
        for (int slot = 0; slot < size; slot++) {
            place(slot);
        }
    }

    private int home(long userId) {
        return (int) (userId * 0x9E3779B97F4A7C15L >>> 32) & (index.length - 1);
    }

    private int next(int cell) {
        return (cell + 1) & (index.length - 1);
    }

    private static int grown(int length) {
        return Math.max(4, length + (length >> 1));
    }

    /**
     * Takes peers silent since {@code staleBeforeMillis} out of the peer lists (reported to the listener, so
     * the database marks them inactive) and forgets inactive peers last seen before {@code forgetBeforeMillis}.
     */
    public synchronized void reap(long staleBeforeMillis, long forgetBeforeMillis) {
        // Downwards: a removal moves the last slot, already visited, into the current one.
        for (int slot = size - 1; slot >= 0; slot--) {
            PeerState state = slots[slot];
            if (state.active() && state.lastAnnounceMillis() < staleBeforeMillis) {
                PeerState timedOut = state.inactive();
                listener.onPeerChange(new PeerChange(torrentId, state, timedOut, AnnounceEvent.NONE));
                boolean wasLeeching = leeching(timedOut.userId());
                update(slot, timedOut);
                leechingChanged(timedOut.userId(), wasLeeching);
            } else if (!state.active() && state.lastAnnounceMillis() < forgetBeforeMillis) {
                remove(slot);
            }
        }
    }

    /** Puts back a peer loaded from the database at start-up, without reporting it as a change. */
    synchronized void restore(PeerState state) {
        int slot = find(state.userId(), state.peerIdBytes0to7(), state.peerIdBytes8to15(), state.peerIdBytes16to19());
        boolean wasLeeching = leeching(state.userId());
        if (slot < 0) {
            add(state);
        } else {
            update(slot, state);
        }
        leechingChanged(state.userId(), wasLeeching);
    }

    public synchronized SwarmCounts counts() {
        return new SwarmCounts(seeders, leechers, partialSeeds, snatches);
    }

    /** Snapshots of the peers currently in the peer lists, for admin views. */
    public synchronized List<PeerState> activePeers() {
        List<PeerState> result = new ArrayList<>(liveCount);
        forEachActivePeer(peer -> result.add(peer.snapshot()));
        return result;
    }

    /** Visits the peers currently in the peer lists under the swarm's lock, without copying them. */
    synchronized void forEachActivePeer(Consumer<PeerState> visitor) {
        for (int i = 0; i < liveCount; i++) {
            visitor.accept(slots[live[i]]);
        }
    }

    /** Set from the database after a flush recorded snatches: it counts each user once per torrent. */
    public void snatches(long snatches) {
        this.snatches = snatches;
    }
}
