package org.swarmkeeper.accounting;

import java.util.HashMap;
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

    record PeerKey(long torrentId, long userId, PeerId peerId) {
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
            uploaded += other.uploaded;
            downloaded += other.downloaded;
            rawUploaded += other.rawUploaded;
            rawDownloaded += other.rawDownloaded;
            seedMillis += other.seedMillis;
            leechMillis += other.leechMillis;
            if (other.completedAtMillis != 0 && (completedAtMillis == 0 || other.completedAtMillis < completedAtMillis)) {
                completedAtMillis = other.completedAtMillis;
            }
            firstSeenMillis = Math.min(firstSeenMillis, other.firstSeenMillis);
            lastSeenMillis = Math.max(lastSeenMillis, other.lastSeenMillis);
        }
    }

    final Map<PeerKey, PeerState> peers = new HashMap<>();
    final Map<HistoryKey, HistoryDelta> history = new HashMap<>();
    /** Completes when this batch has committed; announces that must be durable wait on it. */
    final CompletableFuture<Void> committed = new CompletableFuture<>();

    void recordPeer(PeerState state) {
        peers.put(new PeerKey(state.torrentId(), state.userId(), state.peerId()), state);
    }

    HistoryDelta history(long userId, long torrentId) {
        return history.computeIfAbsent(new HistoryKey(userId, torrentId), k -> new HistoryDelta());
    }

    boolean isEmpty() {
        return peers.isEmpty() && history.isEmpty();
    }

    /** Takes back an older batch whose flush failed: newer peer states win, credit adds up. */
    void absorbOlder(LedgerBatch older) {
        older.peers.forEach(peers::putIfAbsent);
        older.history.forEach((key, delta) -> history.computeIfAbsent(key, k -> new HistoryDelta()).add(delta));
    }
}
