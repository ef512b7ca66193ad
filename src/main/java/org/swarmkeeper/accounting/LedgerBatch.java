package org.swarmkeeper.accounting;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.swarm.PeerState;

/**
 * Everything recorded between two flushes, coalesced per key: the latest state of each peer (its new
 * baseline) and the summed credit per user×torrent. Written in one transaction, so a baseline never becomes
 * durable without the credit derived from it. Not thread-safe: owned by the {@link Ledger}'s lock.
 */
final class LedgerBatch {

    /** The peer_id as its three numbers ({@link PeerId#bytes0to7} …): recording a peer builds no PeerId. */
    record PeerKey(long torrentId, long userId, long peerIdBytes0to7, long peerIdBytes8to15, int peerIdBytes16to19) {

        static PeerKey of(long torrentId, long userId, PeerId peerId) {
            return new PeerKey(torrentId, userId, peerId.bytes0to7(), peerId.bytes8to15(), peerId.bytes16to19());
        }

        static PeerKey of(long torrentId, PeerState state) {
            return new PeerKey(torrentId, state.userId(), state.peerIdBytes0to7(), state.peerIdBytes8to15(),
                    state.peerIdBytes16to19());
        }
    }

    record HistoryKey(long userId, long torrentId) {
    }

    /** Credit and activity of one user on one torrent within this batch. */
    static final class HistoryDelta {
        long uploaded;
        long downloaded;
        long rawUploaded;
        long rawDownloaded;
        long seedMillis;
        long leechMillis;
        long completedAtMillis;
        long firstSeenMillis = Long.MAX_VALUE;
        long lastSeenMillis;

        void add(HistoryDelta other) {
            uploaded = saturatedAdd(uploaded, other.uploaded);
            downloaded = saturatedAdd(downloaded, other.downloaded);
            rawUploaded = saturatedAdd(rawUploaded, other.rawUploaded);
            rawDownloaded = saturatedAdd(rawDownloaded, other.rawDownloaded);
            seedMillis = saturatedAdd(seedMillis, other.seedMillis);
            leechMillis = saturatedAdd(leechMillis, other.leechMillis);
            if (other.completedAtMillis != 0 && (completedAtMillis == 0 || other.completedAtMillis < completedAtMillis)) {
                completedAtMillis = other.completedAtMillis;
            }
            firstSeenMillis = Math.min(firstSeenMillis, other.firstSeenMillis);
            lastSeenMillis = Math.max(lastSeenMillis, other.lastSeenMillis);
        }
    }

    /** Non-negative addition that stops at Long.MAX_VALUE: absurd client counters must not wrap around. */
    static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    final Map<PeerKey, PeerState> peers = new HashMap<>();
    final Map<HistoryKey, HistoryDelta> history = new HashMap<>();
    /** Completes when this batch has committed; announces that must be durable wait on it. */
    final CompletableFuture<Void> committed = new CompletableFuture<>();
    /** {@link System#nanoTime()} of the oldest record in this batch, 0 while it is empty: the flush lag. */
    long oldestRecordNanos;

    void recordPeer(long torrentId, PeerState state) {
        if (oldestRecordNanos == 0) {
            oldestRecordNanos = System.nanoTime() | 1; // never 0, which means "empty"
        }
        peers.put(PeerKey.of(torrentId, state), state);
    }

    HistoryDelta history(long userId, long torrentId) {
        return history.computeIfAbsent(new HistoryKey(userId, torrentId), k -> new HistoryDelta());
    }

    boolean isEmpty() {
        return peers.isEmpty() && history.isEmpty();
    }

    /**
     * This batch cut into one batch per user×torrent (its peers and its history), to find the entry PostgreSQL
     * refuses without holding back everyone else's credit.
     */
    List<LedgerBatch> perUserAndTorrent() {
        Map<HistoryKey, LedgerBatch> parts = new LinkedHashMap<>();
        peers.forEach((key, state) -> parts.computeIfAbsent(new HistoryKey(key.userId(), key.torrentId()),
                k -> new LedgerBatch()).peers.put(key, state));
        history.forEach((key, delta) -> parts.computeIfAbsent(key, k -> new LedgerBatch()).history.put(key, delta));
        parts.values().forEach(part -> part.oldestRecordNanos = oldestRecordNanos);
        return new ArrayList<>(parts.values());
    }

    /** Who a batch from {@link #perUserAndTorrent()} belongs to, for logs. */
    String owner() {
        HistoryKey key = history.isEmpty()
                ? peers.keySet().stream().map(p -> new HistoryKey(p.userId(), p.torrentId())).findFirst().orElse(null)
                : history.keySet().iterator().next();
        return key == null ? "nobody" : "user " + key.userId() + " on torrent " + key.torrentId();
    }

    /** Takes back an older batch whose flush failed: newer peer states win, credit adds up. */
    void absorbOlder(LedgerBatch older) {
        older.peers.forEach(peers::putIfAbsent);
        older.history.forEach((key, delta) -> history.computeIfAbsent(key, k -> new HistoryDelta()).add(delta));
        oldestRecordNanos = oldest(oldestRecordNanos, older.oldestRecordNanos);
    }

    /** The older of two {@link #oldestRecordNanos}, either of which may be 0 (none). */
    static long oldest(long a, long b) {
        return a == 0 ? b : b == 0 ? a : (a - b < 0 ? a : b);
    }
}
