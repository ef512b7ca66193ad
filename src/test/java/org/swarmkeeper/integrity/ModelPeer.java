package org.swarmkeeper.integrity;

import java.util.ArrayList;
import java.util.List;

import org.swarmkeeper.protocol.PeerId;

/**
 * What the tracker must make of one peer (torrent, user, peer_id), by the specification: the announces it
 * recorded, in order, and the credit each earned. Credit per counter is the reported value minus the one
 * recorded before it; the first recorded announce, and a counter lower than the one before (a client restart),
 * credit 0 for that counter. Upload reported after a {@code stopped} (with no announce recorded in between) was made,
 * if at all, while the peer was away: it earns no credit. When a node dies, what it had not committed is gone: the peer goes back to its
 * last committed announce ({@link #rollBackTo}), and the client's next announce is credited against that.
 */
final class ModelPeer {

    /**
     * One recorded announce: what it reported, when it was sent by the client's clock and to which node, and the
     * credit the peer has earned up to and including it, of the reported counters and of their honest part.
     */
    private record Recorded(Report report, long sentMillis, long receivedMillis, String node, long creditedUp,
                            long creditedDown, long honestCreditedUp) {
    }

    /**
     * The counters of one announce as the client sent them, with the honest part of its upload (all of it for an
     * honest client; a forger's reported upload includes bytes it never sent), and whether it was {@code stopped}.
     */
    record Report(long uploaded, long downloaded, long left, long honestUploaded, boolean stopped) {
    }

    private final String label;
    private final long torrentId;
    private final long userId;
    private final PeerId peerId;
    private final List<Recorded> recorded = new ArrayList<>();
    /** Index of the last announce committed when PostgreSQL was stopped; -1 for none. */
    private int committedAtOutage = -1;

    ModelPeer(String label, long torrentId, long userId, PeerId peerId) {
        this.label = label;
        this.torrentId = torrentId;
        this.userId = userId;
        this.peerId = peerId;
    }

    String label() {
        return label;
    }

    long torrentId() {
        return torrentId;
    }

    long userId() {
        return userId;
    }

    PeerId peerId() {
        return peerId;
    }

    /** Whether the tracker holds a state of this peer. */
    boolean known() {
        return !recorded.isEmpty();
    }

    /** The node that recorded the last announce, or {@code null}. */
    String lastNode() {
        return known() ? last().node() : null;
    }

    void record(Report report, long sentMillis, long receivedMillis, String node) {
        Report previous = lastReport();
        boolean creditsUpload = previous != null && !previous.stopped();
        long up = creditsUpload ? increase(previous.uploaded(), report.uploaded()) : 0;
        long down = previous == null ? 0 : increase(previous.downloaded(), report.downloaded());
        long honestUp = creditsUpload ? increase(previous.honestUploaded(), report.honestUploaded()) : 0;
        recorded.add(new Recorded(report, sentMillis, receivedMillis, node, creditedUp() + up,
                creditedDown() + down, honestCreditedUp() + honestUp));
    }

    /**
     * The least and the most seed time the tracker can have recorded for this peer, in milliseconds: each pair of
     * consecutive recorded announces that both report {@code left=0}, the first not {@code stopped}, accrues the
     * time between the tracker's instants of the two, which lie between each one's sending and its answer. A pair
     * further apart than {@code peerTimeoutMillis} accrues nothing; one that may be either way, up to its most.
     */
    long[] seedTimeBounds(long peerTimeoutMillis) {
        long least = 0;
        long most = 0;
        for (int i = 1; i < recorded.size(); i++) {
            Recorded before = recorded.get(i - 1);
            Recorded after = recorded.get(i);
            if (before.report().stopped() || before.report().left() != 0 || after.report().left() != 0) {
                continue;
            }
            long shortest = after.sentMillis() - before.receivedMillis();
            long longest = after.receivedMillis() - before.sentMillis();
            if (longest < peerTimeoutMillis) {
                least += Math.max(0, shortest);
            }
            if (shortest < peerTimeoutMillis) {
                most += longest;
            }
        }
        return new long[] {least, most};
    }

    /** Announces recorded: the most flushes that may have paid this peer's points, each rounding them once. */
    int recordedCount() {
        return recorded.size();
    }

    /** What the last recorded announce reported, or {@code null}: the state the tracker holds. */
    Report lastReport() {
        return known() ? last().report() : null;
    }

    long creditedUp() {
        return known() ? last().creditedUp() : 0;
    }

    long creditedDown() {
        return known() ? last().creditedDown() : 0;
    }

    long honestCreditedUp() {
        return known() ? last().honestCreditedUp() : 0;
    }

    /**
     * The index of the recorded announce a committed row shows: the latest one with the row's counters that was
     * sent before the row's announce time (a client that reset its counters may report the same ones twice).
     * -1 when none matches.
     */
    int indexOf(long uploaded, long downloaded, long left, long lastAnnounceMillis) {
        for (int i = recorded.size() - 1; i >= 0; i--) {
            Recorded candidate = recorded.get(i);
            Report report = candidate.report();
            if (report.uploaded() == uploaded && report.downloaded() == downloaded && report.left() == left
                    && candidate.sentMillis() <= lastAnnounceMillis) {
                return i;
            }
        }
        return -1;
    }

    /** Forgets what was recorded after the announce at {@code index} (-1: everything). */
    void rollBackTo(int index) {
        recorded.subList(index + 1, recorded.size()).clear();
    }

    /** The announces recorded, oldest first, as {@code node:uploaded/downloaded/left} ({@code S} after a stop). */
    String history() {
        StringBuilder out = new StringBuilder();
        for (Recorded r : recorded) {
            out.append(' ').append(r.node()).append(':').append(r.report().uploaded()).append('/')
                    .append(r.report().downloaded()).append('/').append(r.report().left())
                    .append(r.report().stopped() ? "S" : "");
        }
        return out.toString();
    }

    int lastIndex() {
        return recorded.size() - 1;
    }

    /** Everything recorded so far is committed: PostgreSQL is about to stop, and nothing commits until it is back. */
    void committedBeforeOutage() {
        committedAtOutage = lastIndex();
    }

    int committedAtOutage() {
        return committedAtOutage;
    }

    private Recorded last() {
        return recorded.get(recorded.size() - 1);
    }

    private static long increase(long before, long now) {
        return now >= before ? now - before : 0;
    }
}
