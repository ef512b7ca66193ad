package org.swarmkeeper.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.swarm.PeerChange;
import org.swarmkeeper.swarm.PeerState;
import org.swarmkeeper.swarm.SwarmProperties;

/** Time-based credit rules, with explicit clocks: seed and leech time accrue only between close announces. */
class LedgerRecorderTest {

    private static final long MINUTE = 60_000;
    private final Ledger ledger = new Ledger(new LedgerProperties(Duration.ofSeconds(1), Duration.ofSeconds(5), 1,
            Duration.ofSeconds(3), Duration.ofSeconds(1)));
    private final LedgerRecorder recorder = new LedgerRecorder(ledger, (user, torrent, at) -> new CreditRules.Factors(1, 1),
            new SwarmProperties(Duration.ofMinutes(45), Duration.ofDays(14), Duration.ofMinutes(1)));
    private final PeerId peerId = PeerId.of(new byte[20]);

    @Test
    void seedTimeAccruesBetweenSeedingAnnouncesCloserThanTheTimeout() {
        PeerState first = peer(0, 0, true);
        PeerState second = peer(30 * MINUTE, 0, true);
        PeerState late = peer(90 * MINUTE, 0, true); // 60 minutes of silence: longer than the 45-minute timeout
        recorder.onPeerChange(new PeerChange(1, null, first, AnnounceEvent.STARTED));
        recorder.onPeerChange(new PeerChange(1, first, second, AnnounceEvent.NONE));
        recorder.onPeerChange(new PeerChange(1, second, late, AnnounceEvent.NONE));
        LedgerBatch.HistoryDelta history = onlyHistory();
        assertThat(history.seedMillis).isEqualTo(30 * MINUTE);
        assertThat(history.leechMillis).isZero();
    }

    @Test
    void leechTimeAccruesWhileDownloadingAndCompletionIsASnatch() {
        PeerState leeching = peer(0, 100, true);
        PeerState stillLeeching = peer(10 * MINUTE, 50, true);
        PeerState done = peer(20 * MINUTE, 0, true);
        recorder.onPeerChange(new PeerChange(1, null, leeching, AnnounceEvent.STARTED));
        recorder.onPeerChange(new PeerChange(1, leeching, stillLeeching, AnnounceEvent.NONE));
        recorder.onPeerChange(new PeerChange(1, stillLeeching, done, AnnounceEvent.NONE));
        LedgerBatch.HistoryDelta history = onlyHistory();
        assertThat(history.leechMillis).isEqualTo(10 * MINUTE);
        assertThat(history.completedAtMillis).isEqualTo(20 * MINUTE);
    }

    @Test
    void aTimeoutRecordsTheInactivePeerWithoutCredit() {
        PeerState active = peer(0, 0, true);
        recorder.onPeerChange(new PeerChange(1, active, peer(0, 0, false), AnnounceEvent.NONE));
        LedgerBatch batch = ledger.drain();
        assertThat(batch.history).isEmpty();
        assertThat(batch.peers.values()).singleElement().extracting(PeerState::active).isEqualTo(false);
    }

    @Test
    void aFullLedgerTakesNoNewPeerButKeepsCoalescingThoseItHolds() {
        assertThat(ledger.hasRoomFor(1, 2, peerId)).isTrue();
        recorder.onPeerChange(new PeerChange(1, null, peer(0, 0, true), AnnounceEvent.STARTED));
        assertThat(ledger.full()).isTrue();
        assertThat(ledger.hasRoomFor(1, 2, peerId)).as("a peer already pending").isTrue();
        assertThat(ledger.hasRoomFor(1, 3, peerId)).as("a new peer").isFalse();
        ledger.drain();
        assertThat(ledger.hasRoomFor(1, 3, peerId)).isTrue();
    }

    private PeerState peer(long atMillis, long left, boolean active) {
        return new PeerState(2, peerId, null, new byte[6], null, 0, 0, left, false, "test", 0, atMillis, active, false);
    }

    private LedgerBatch.HistoryDelta onlyHistory() {
        LedgerBatch batch = ledger.drain();
        assertThat(batch.history).hasSize(1);
        return batch.history.values().iterator().next();
    }
}
