package org.swarmkeeper.accounting;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.swarm.CreditGrant;
import org.swarmkeeper.swarm.PeerKey;
import org.swarmkeeper.swarm.PeerState;

/**
 * Everything recorded between two flushes, coalesced per peer: its latest state (its new baseline), the baseline
 * its credit was computed against, and that credit. Written in one transaction, so a baseline never becomes durable
 * without the credit derived from it. Not thread-safe: owned by the {@link Ledger}'s lock.
 */
final class LedgerBatch {

    record HistoryKey(long userId, long torrentId) {
    }

    /**
     * The counters and announce time of a peer's stored row that a node computed credit against: the flush writes
     * only over a row that still holds them (compare-and-set), and otherwise credits against what the row holds.
     */
    record Baseline(long uploaded, long downloaded, long lastAnnounceMillis) {

        static Baseline of(PeerState state) {
            return new Baseline(state.uploaded(), state.downloaded(), state.lastAnnounceMillis());
        }
    }

    /** Credit and activity of one user on one torrent, from one peer or summed over several. */
    static final class HistoryDelta {
        long uploaded;
        long downloaded;
        long rawUploaded;
        long rawDownloaded;
        /** Raw upload not credited: more than the peer's active time allows, or withheld by a rule. */
        long withheldUploaded;
        long seedMillis;
        long leechMillis;
        /** Seed points of the intervals, before and per {@link SeedPointRates#seniority} ({@link SeedPointRates}). */
        double flatPoints;
        double pointsPerSeniority;
        /** Weighted hours per rule of a rule table ({@link SeedPointRates.Hourly#rules}); {@code null}: none. */
        double[] hoursByRule;
        /** What {@link #flatPoints} and {@link #pointsPerSeniority} came to, in millionths: set by the flush. */
        long earnedMicroPoints;
        long firstSeenMillis = Long.MAX_VALUE;
        long lastSeenMillis;

        void add(HistoryDelta other) {
            uploaded = saturatedAdd(uploaded, other.uploaded);
            downloaded = saturatedAdd(downloaded, other.downloaded);
            rawUploaded = saturatedAdd(rawUploaded, other.rawUploaded);
            rawDownloaded = saturatedAdd(rawDownloaded, other.rawDownloaded);
            withheldUploaded = saturatedAdd(withheldUploaded, other.withheldUploaded);
            seedMillis = saturatedAdd(seedMillis, other.seedMillis);
            leechMillis = saturatedAdd(leechMillis, other.leechMillis);
            flatPoints += other.flatPoints;
            pointsPerSeniority += other.pointsPerSeniority;
            if (other.hoursByRule != null) {
                if (hoursByRule == null || hoursByRule.length < other.hoursByRule.length) {
                    hoursByRule = hoursByRule == null ? new double[other.hoursByRule.length]
                            : Arrays.copyOf(hoursByRule, other.hoursByRule.length);
                }
                for (int rule = 0; rule < other.hoursByRule.length; rule++) {
                    hoursByRule[rule] += other.hoursByRule[rule];
                }
            }
            earnedMicroPoints = saturatedAdd(earnedMicroPoints, other.earnedMicroPoints);
            firstSeenMillis = Math.min(firstSeenMillis, other.firstSeenMillis);
            lastSeenMillis = Math.max(lastSeenMillis, other.lastSeenMillis);
        }
    }

    /** An announce credited in an entry (its new state) and its credit. */
    record Step(PeerState state, HistoryDelta credit) {
    }

    /** One peer's pending write. */
    static final class PeerEntry {
        /** The newest state: the row written and the baseline of the peer's next credit. */
        PeerState state;
        /** What the credit below was computed against; {@code null} when the node held no state for the peer. */
        Baseline baseline;
        /** The peer's credit since {@link #baseline}, as computed on this node. */
        final HistoryDelta credit = new HistoryDelta();
        /** The strictest of what cheat detection granted the announces. */
        CreditGrant grant = CreditGrant.FULL;
        /**
         * Each announce credited in this entry, oldest first, with its own part of {@link #credit}: against a
         * newer stored baseline only what the stored row does not show yet is credited again.
         */
        final List<Step> steps = new ArrayList<>(1);

        /**
         * Where the credit starts: the baseline, or the first state credited when there was none (a first sight
         * credits nothing). A row this entry inserts is born with these counters.
         */
        Baseline creditedFrom() {
            return baseline != null ? baseline : Baseline.of(steps.isEmpty() ? state : steps.get(0).state());
        }

        /** The credit of the steps after the one at {@code index} (-1: all of them). */
        HistoryDelta creditAfter(int index) {
            HistoryDelta after = new HistoryDelta();
            steps.subList(index + 1, steps.size()).forEach(step -> after.add(step.credit()));
            return after;
        }

        PeerEntry(PeerState state, Baseline baseline) {
            this.state = state;
            this.baseline = baseline;
        }
    }

    /** Non-negative addition that stops at Long.MAX_VALUE: absurd client counters must not wrap around. */
    static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    final Map<PeerKey, PeerEntry> peers = new HashMap<>();
    /** Completes when this batch has committed; announces that must be durable wait on it. */
    final CompletableFuture<Void> committed = new CompletableFuture<>();
    /** The ledger's monotonic clock at the oldest record in this batch, 0 while it is empty: the flush lag. */
    long oldestRecordNanos;

    /**
     * The entry of the peer whose state before this announce was {@code before} ({@code null}: none known), recorded
     * at {@code nowNanos} on the ledger's monotonic clock.
     */
    PeerEntry entry(long torrentId, PeerState before, PeerState after, long nowNanos) {
        if (oldestRecordNanos == 0) {
            oldestRecordNanos = nowNanos | 1; // never 0, which means "empty"
        }
        PeerEntry entry = peers.get(PeerKey.of(torrentId, after));
        if (entry == null) {
            entry = new PeerEntry(after, before == null ? null : Baseline.of(before));
            peers.put(PeerKey.of(torrentId, after), entry);
        } else {
            entry.state = after;
        }
        return entry;
    }

    boolean isEmpty() {
        return peers.isEmpty();
    }

    /**
     * This batch cut into one batch per user×torrent, to find the entry PostgreSQL refuses without holding back
     * everyone else's credit.
     */
    List<LedgerBatch> perUserAndTorrent() {
        Map<HistoryKey, LedgerBatch> parts = new LinkedHashMap<>();
        peers.forEach((key, entry) -> parts.computeIfAbsent(new HistoryKey(key.userId(), key.torrentId()),
                k -> new LedgerBatch()).peers.put(key, entry));
        parts.values().forEach(part -> part.oldestRecordNanos = oldestRecordNanos);
        return new ArrayList<>(parts.values());
    }

    /** Who a batch from {@link #perUserAndTorrent()} belongs to, for logs. */
    String owner() {
        return peers.keySet().stream().findFirst()
                .map(key -> "user " + key.userId() + " on torrent " + key.torrentId()).orElse("nobody");
    }

    /**
     * Takes back an older batch whose flush failed: a peer's newer state wins, its credit is computed from the older
     * baseline on, and credit adds up.
     */
    void absorbOlder(LedgerBatch older) {
        older.peers.forEach((key, olderEntry) -> {
            PeerEntry newer = peers.get(key);
            if (newer == null) {
                peers.put(key, olderEntry);
            } else {
                newer.baseline = olderEntry.baseline;
                newer.steps.addAll(0, olderEntry.steps);
                newer.credit.add(olderEntry.credit);
                newer.grant = newer.grant.and(olderEntry.grant);
            }
        });
        oldestRecordNanos = oldest(oldestRecordNanos, older.oldestRecordNanos);
    }

    /** The older of two {@link #oldestRecordNanos}, either of which may be 0 (none). */
    static long oldest(long a, long b) {
        return a == 0 ? b : b == 0 ? a : (a - b < 0 ? a : b);
    }
}
