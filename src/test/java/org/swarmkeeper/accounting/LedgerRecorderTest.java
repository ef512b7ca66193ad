package org.swarmkeeper.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.swarm.PeerChange;
import org.swarmkeeper.swarm.PeerState;
import org.swarmkeeper.swarm.SwarmProperties;
import org.swarmkeeper.swarm.PeerKey;

/** Credit rules with explicit clocks: time accrues, and upload is believed, only over a peer's active time. */
class LedgerRecorderTest {

    private static final long MINUTE = 60_000;
    private static final long CEILING = 1_000; // bytes a second
    private final Ledger ledger = new Ledger(new LedgerProperties(Duration.ofSeconds(1), Duration.ofSeconds(5), 1,
            Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(10),
            Duration.ofSeconds(60), 0.9));
    private static final SwarmProperties SWARM = new SwarmProperties(Duration.ofMinutes(45), Duration.ofDays(14),
            Duration.ofMinutes(1), Duration.ofHours(1));
    private final LedgerRecorder recorder = new LedgerRecorder(ledger, new CreditRules() {
        @Override
        public Factors factors(long userId, long torrentId, long atMillis) {
            return new Factors(1, 1);
        }

        @Override
        public long uploadCeiling() {
            return CEILING;
        }
    }, SeedPointRates.NONE, new ActiveTime(() -> 38 * MINUTE, SWARM), SWARM); // a 30-minute interval, 10 % jitter, 5 minutes late
    private final PeerId peerId = PeerId.of(new byte[20]);

    @Test
    void seedTimeAccruesBetweenSeedingAnnouncesCloserThanTheTimeout() {
        PeerState first = peer(0, 0, 0, true);
        PeerState second = peer(30 * MINUTE, 0, 0, true);
        PeerState late = peer(90 * MINUTE, 0, 0, true); // 60 minutes of silence: longer than the 45-minute timeout
        recorder.onPeerChange(new PeerChange(1, null, first, AnnounceEvent.STARTED));
        recorder.onPeerChange(new PeerChange(1, first, second, AnnounceEvent.NONE));
        recorder.onPeerChange(new PeerChange(1, second, late, AnnounceEvent.NONE));
        LedgerBatch.HistoryDelta history = onlyCredit();
        assertThat(history.seedMillis).isEqualTo(30 * MINUTE);
        assertThat(history.leechMillis).isZero();
    }

    @Test
    void leechTimeAccruesWhileDownloading() {
        PeerState leeching = peer(0, 100, 0, true);
        PeerState stillLeeching = peer(10 * MINUTE, 50, 0, true);
        PeerState done = peer(20 * MINUTE, 0, 0, true);
        recorder.onPeerChange(new PeerChange(1, null, leeching, AnnounceEvent.STARTED));
        recorder.onPeerChange(new PeerChange(1, leeching, stillLeeching, AnnounceEvent.NONE));
        recorder.onPeerChange(new PeerChange(1, stillLeeching, done, AnnounceEvent.NONE));
        assertThat(onlyCredit().leechMillis).isEqualTo(10 * MINUTE);
    }

    @Test
    void uploadWithinTheActiveTimeIsCreditedAndTheRestWithheld() {
        PeerState first = peer(0, 0, 0, true);
        PeerState tenSecondsLater = peer(10_000, 0, 25_000, true); // 10 s allow 10,000 bytes
        recorder.onPeerChange(new PeerChange(1, null, first, AnnounceEvent.STARTED));
        recorder.onPeerChange(new PeerChange(1, first, tenSecondsLater, AnnounceEvent.NONE));
        LedgerBatch.HistoryDelta credit = onlyCredit();
        assertThat(credit.rawUploaded).isEqualTo(25_000);
        assertThat(credit.uploaded).isEqualTo(10_000);
        assertThat(credit.withheldUploaded).isEqualTo(15_000);
    }

    @Test
    void uploadClaimedAcrossAStopIsNotCredited() {
        PeerState stopped = peer(0, 0, 0, false, true);
        PeerState back = peer(40 * MINUTE, 0, 5_000, true); // 40 minutes away: no active time at all
        recorder.onPeerChange(new PeerChange(1, stopped, back, AnnounceEvent.STARTED));
        LedgerBatch.HistoryDelta credit = onlyCredit();
        assertThat(credit.rawUploaded).isEqualTo(5_000);
        assertThat(credit.uploaded).isZero();
        assertThat(credit.withheldUploaded).isEqualTo(5_000);
    }

    @Test
    void activeTimeStopsAtTheIntervalHandedOutPlusTheTolerance() {
        PeerState first = peer(0, 0, 0, true);
        PeerState hoursLater = peer(300 * MINUTE, 0, 10_000_000, true);
        recorder.onPeerChange(new PeerChange(1, first, hoursLater, AnnounceEvent.NONE));
        assertThat(onlyCredit().uploaded).isEqualTo(38 * 60 * CEILING);
    }

    @Test
    void aPeerThatTimedOutEarnedActiveTimeUntilItShouldHaveAnnounced() {
        PeerState timedOut = peer(0, 0, 0, false, false); // fell silent and left the lists: not stopped
        PeerState back = peer(300 * MINUTE, 0, 10_000_000, true);
        recorder.onPeerChange(new PeerChange(1, timedOut, back, AnnounceEvent.NONE));
        assertThat(onlyCredit().uploaded).isEqualTo(38 * 60 * CEILING);
    }

    @Test
    void aTimeoutRecordsTheInactivePeerWithoutCredit() {
        PeerState active = peer(0, 0, 0, true);
        recorder.onPeerChange(new PeerChange(1, active, peer(0, 0, 0, false), AnnounceEvent.NONE));
        LedgerBatch batch = ledger.drain();
        assertThat(batch.peers.values()).singleElement().satisfies(entry -> {
            assertThat(entry.state.active()).isFalse();
            assertThat(entry.credit.lastSeenMillis).as("no credit").isZero();
            assertThat(entry.baseline).isEqualTo(LedgerBatch.Baseline.of(active));
        });
    }

    @Test
    void aFullLedgerTakesNoNewPeerButKeepsCoalescingThoseItHolds() {
        assertThat(ledger.hasRoomFor(1, 2, peerId)).isTrue();
        recorder.onPeerChange(new PeerChange(1, null, peer(0, 0, 0, true), AnnounceEvent.STARTED));
        assertThat(ledger.full()).isTrue();
        assertThat(ledger.hasRoomFor(1, 2, peerId)).as("a peer already pending").isTrue();
        assertThat(ledger.hasRoomFor(1, 3, peerId)).as("a new peer").isFalse();
        ledger.drain();
        assertThat(ledger.hasRoomFor(1, 3, peerId)).isTrue();
    }

    @Test
    void coalescedAnnouncesKeepTheFirstBaselineAndAddUpTheirCredit() {
        PeerState first = peer(0, 100, 0, true);
        PeerState second = peer(10_000, 100, 4_000, true);
        PeerState third = peer(20_000, 100, 9_000, true);
        recorder.onPeerChange(new PeerChange(1, first, second, AnnounceEvent.NONE));
        recorder.onPeerChange(new PeerChange(1, second, third, AnnounceEvent.NONE));
        LedgerBatch.PeerEntry entry = ledger.drain().peers.values().iterator().next();
        assertThat(entry.baseline).isEqualTo(LedgerBatch.Baseline.of(first));
        assertThat(entry.state.uploaded()).isEqualTo(9_000);
        assertThat(entry.credit.uploaded).isEqualTo(9_000);
    }

    private PeerState peer(long atMillis, long left, long uploaded, boolean active) {
        return peer(atMillis, left, uploaded, active, false);
    }

    private PeerState peer(long atMillis, long left, long uploaded, boolean active, boolean stopped) {
        return new PeerState(2, peerId, null, new byte[6], null, uploaded, 0, left, false, "test", 0, atMillis, active,
                stopped, false);
    }

    /** The credit of the one peer recorded. */
    private LedgerBatch.HistoryDelta onlyCredit() {
        Map<PeerKey, LedgerBatch.PeerEntry> peers = new HashMap<>(ledger.drain().peers);
        assertThat(peers).hasSize(1);
        return peers.values().iterator().next().credit;
    }
}
