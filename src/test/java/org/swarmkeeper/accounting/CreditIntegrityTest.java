package org.swarmkeeper.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmkeeper.protocol.AnnounceEvent.NONE;
import static org.swarmkeeper.protocol.AnnounceEvent.STARTED;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.protocol.PeerAddresses;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Await;
import org.swarmkeeper.support.TestClient;
import org.swarmkeeper.support.TrackerIntegrationTest;
import org.swarmkeeper.swarm.PeerChange;
import org.swarmkeeper.swarm.PeerState;
import org.swarmkeeper.swarm.SwarmProperties;
import org.swarmkeeper.swarm.SwarmRegistry;

/**
 * Credit is exactly once against the baseline PostgreSQL holds: a node's stale copy of a peer and a flush retried
 * after its commit went through credit nothing twice; snatches come from downloaded bytes; a user's peer rows stay
 * bounded.
 */
class CreditIntegrityTest extends TrackerIntegrationTest {

    private static final long MIB = 1L << 20;

    @Autowired
    LedgerFlusher flusher;

    @Autowired
    MeterRegistry meters;

    @Autowired
    CreditRules rules;

    @Autowired
    SwarmRegistry swarms;

    @Autowired
    Ledger ledger;

    @Autowired
    DataSource dataSource;

    private double rebased() {
        return meters.get("tracker.ledger.rebased").counter().count();
    }

    @Test
    void aStaleCopyIsCreditedAgainstTheNewerBaselineAnotherNodeStored() {
        CreatedUser user = newUser();
        TestClient seeder = client(user, newTorrent(100 * MIB), "-TR3000-", "127.0.12.1");
        seeder.announce(0, 0, 0, STARTED);
        clock.advance(Duration.ofMinutes(1));
        seeder.announce(MIB, 0, 0, NONE);
        flushLedger();
        // Another node served the swarm meanwhile: it moved the peer's baseline to 5 MiB and credited the 4 MiB.
        Timestamp later = new Timestamp(clock.millis() + 60_000);
        jdbc.update("UPDATE peers SET uploaded = ?, last_announce = ? WHERE user_id = ?", 5 * MIB, later, user.id());
        jdbc.update("UPDATE users SET uploaded = uploaded + ?, raw_uploaded = raw_uploaded + ? WHERE id = ?",
                4 * MIB, 4 * MIB, user.id());
        double before = rebased();

        clock.advance(Duration.ofMinutes(2));
        seeder.announce(6 * MIB, 0, 0, NONE); // this node still holds 1 MiB as the baseline
        flushLedger();
        assertThat(userColumn(user.id(), "uploaded")).as("1 + 4 + 1 MiB, not 1 + 4 + 5").isEqualTo(6 * MIB);
        assertThat(userColumn(user.id(), "raw_uploaded")).isEqualTo(6 * MIB);
        assertThat(rebased() - before).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT uploaded FROM peers WHERE user_id = ?", Long.class, user.id()))
                .isEqualTo(6 * MIB);

        clock.advance(Duration.ofMinutes(1));
        seeder.announce(7 * MIB, 0, 0, NONE);
        flushLedger();
        assertThat(userColumn(user.id(), "uploaded")).as("back in step: no more rebasing").isEqualTo(7 * MIB);
        assertThat(rebased() - before).isEqualTo(1);
    }

    @Test
    void aSwarmThatWentSilentHereIsCreditedAgainstWhatTheOtherNodeRecordedWhenItComesBack() {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(100 * MIB);
        TestClient seeder = client(user, torrent, "-TR3000-", "127.0.12.6");
        seeder.announce(0, 0, 0, STARTED);
        flushLedger();
        // The swarm is routed to another node for an hour: the peer goes on seeding there, here it times out.
        clock.advance(Duration.ofHours(1));
        swarms.reapStalePeers();
        flushLedger();
        jdbc.update("UPDATE peers SET uploaded = ?, last_announce = ?, active = true WHERE user_id = ?", 8 * MIB,
                new Timestamp(clock.millis()), user.id());

        clock.advance(Duration.ofMinutes(20));
        seeder.announce(9 * MIB, 0, 0, NONE); // back here: credited against what the other node recorded
        flushLedger();
        assertThat(userColumn(user.id(), "uploaded")).isEqualTo(MIB);
        assertThat(events(user.id())).as("no finding: the peer timed out here, it did not stop").isEmpty();
    }

    @Test
    void aStoppedPeerThisNodeDoesNotHoldIsCreditedAgainstTheRowAnotherNodeWrote() {
        InfoHash torrent = newTorrent(100 * MIB);
        client(newUser(), torrent, "-qB4520-", "127.0.12.9").announce(0, 0, 100 * MIB, STARTED); // swarm in memory
        CreatedUser user = newUser();
        TestClient seeder = client(user, torrent, "-TR3000-", "127.0.12.10");
        recordPeerElsewhere(user, seeder, 5 * MIB); // served by another node since
        seeder.announce(6 * MIB, 0, 0, org.swarmkeeper.protocol.AnnounceEvent.STOPPED);
        assertThat(userColumn(user.id(), "uploaded")).as("its last MiB, against the other node's row").isEqualTo(MIB);
    }

    @Test
    void aFlushRetriedAfterItsCommitWentThroughCreditsNothingTwice() throws Exception {
        CreatedUser user = newUser();
        TestClient seeder = client(user, newTorrent(100 * MIB), "-TR3000-", "127.0.12.2");
        seeder.announce(0, 0, 0, STARTED);
        flushLedger();
        long torrentId = jdbc.queryForObject("SELECT torrent_id FROM peers WHERE user_id = ?", Long.class, user.id());
        long startedAt = lastAnnounceMillis(user);
        // A ledger of the test's own, so that the batches are the test's and not the running flusher's.
        Ledger own = ownLedger();
        LedgerRecorder recorder = recorderInto(own);
        PeerState stored = seederState(user, seeder, 0, startedAt);
        PeerState minuteLater = seederState(user, seeder, 3 * MIB, startedAt + 60_000);
        recorder.onPeerChange(new PeerChange(torrentId, stored, minuteLater, NONE));
        LedgerBatch batch = own.drain();
        flusher.commit(batch); // committed, but as if the acknowledgement was lost:
        own.restore(batch); // the batch goes back into the ledger, and coalesces with what came since
        recorder.onPeerChange(new PeerChange(torrentId, minuteLater,
                seederState(user, seeder, 4 * MIB, startedAt + 120_000), NONE));
        flusher.commit(own.drain());
        assertThat(userColumn(user.id(), "uploaded")).isEqualTo(4 * MIB);
        assertThat(jdbc.queryForObject("SELECT seed_time_ms FROM user_torrent_history WHERE user_id = ?", Long.class,
                user.id())).as("seed time once too").isEqualTo(Duration.ofMinutes(2).toMillis());
    }

    @Test
    void anOlderStateWrittenAfterAnotherNodeFirstSawThePeerCreditsWhatNobodyElseDid() throws Exception {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(100 * MIB);
        TestClient seeder = client(user, torrent, "-TR3000-", "127.0.12.8");
        long torrentId = jdbc.queryForObject("SELECT id FROM torrents WHERE info_hash = ?", Long.class,
                torrent.toBytes());
        long t0 = clock.millis();
        // This node first sees the peer at 0 bytes and records 3 MiB a minute later; its flush is late.
        Ledger own = ownLedger();
        LedgerRecorder recorder = recorderInto(own);
        PeerState first = seederState(user, seeder, 0, t0);
        PeerState minuteLater = seederState(user, seeder, 3 * MIB, t0 + 60_000);
        recorder.onPeerChange(new PeerChange(torrentId, null, first, STARTED));
        recorder.onPeerChange(new PeerChange(torrentId, first, minuteLater, NONE));
        // Meanwhile another node, which never saw it, first saw it at 5 MiB, then credited 2 MiB up to 7 MiB.
        jdbc.update("""
                INSERT INTO peers (torrent_id, user_id, peer_id, uploaded, downloaded, bytes_left, seeding, partial_seed,
                                   first_announce, last_announce, active, first_uploaded, first_downloaded)
                VALUES (?, ?, ?, ?, 0, 0, true, false, ?, ?, true, ?, 0)""", torrentId, user.id(),
                seeder.peerId().toBytes(), 7 * MIB, new Timestamp(t0 + 120_000), new Timestamp(t0 + 180_000), 5 * MIB);
        jdbc.update("UPDATE users SET uploaded = uploaded + ? WHERE id = ?", 2 * MIB, user.id());

        flusher.commit(own.drain());
        assertThat(userColumn(user.id(), "uploaded")).as("7 MiB reported since 0, each byte once").isEqualTo(7 * MIB);
        assertThat(jdbc.queryForObject("SELECT uploaded FROM peers WHERE user_id = ?", Long.class, user.id()))
                .as("the newer row stays").isEqualTo(7 * MIB);
    }

    @Test
    void aClientRestartWithinAnEntryCreditedAgainstANewerRowKeepsWhatEachStepEarned() throws Exception {
        CreatedUser user = newUser();
        TestClient seeder = client(user, newTorrent(100 * MIB), "-TR3000-", "127.0.12.11");
        seeder.announce(0, 0, 0, STARTED);
        flushLedger();
        long torrentId = jdbc.queryForObject("SELECT torrent_id FROM peers WHERE user_id = ?", Long.class, user.id());
        long t0 = lastAnnounceMillis(user);
        // Another node moved the row to 10 MiB (and credited it); this node still holds 0.
        jdbc.update("UPDATE peers SET uploaded = ?, last_announce = ? WHERE user_id = ?", 10 * MIB,
                new Timestamp(t0 + 60_000), user.id());
        jdbc.update("UPDATE users SET uploaded = uploaded + ? WHERE id = ?", 10 * MIB, user.id());
        Ledger own = ownLedger();
        LedgerRecorder recorder = recorderInto(own);
        PeerState held = seederState(user, seeder, 0, t0);
        PeerState twelve = seederState(user, seeder, 12 * MIB, t0 + 120_000);
        PeerState restarted = seederState(user, seeder, 0, t0 + 180_000); // the client restarted: counters from 0
        PeerState four = seederState(user, seeder, 4 * MIB, t0 + 240_000);
        recorder.onPeerChange(new PeerChange(torrentId, held, twelve, NONE));
        recorder.onPeerChange(new PeerChange(torrentId, twelve, restarted, STARTED));
        recorder.onPeerChange(new PeerChange(torrentId, restarted, four, NONE));
        flusher.commit(own.drain());
        assertThat(userColumn(user.id(), "uploaded")).as("10 elsewhere, 2 up to 12, 0 at the restart, 4 after it")
                .isEqualTo(16 * MIB);
    }

    @Test
    void aFlushRetriedAfterItsCommitWentThroughKeepsTheCreditOfARestartThatCameSince() throws Exception {
        CreatedUser user = newUser();
        TestClient seeder = client(user, newTorrent(100 * MIB), "-TR3000-", "127.0.12.12");
        seeder.announce(0, 0, 0, STARTED);
        flushLedger();
        long torrentId = jdbc.queryForObject("SELECT torrent_id FROM peers WHERE user_id = ?", Long.class, user.id());
        long t0 = lastAnnounceMillis(user);
        Ledger own = ownLedger();
        LedgerRecorder recorder = recorderInto(own);
        PeerState held = seederState(user, seeder, 0, t0);
        PeerState five = seederState(user, seeder, 5 * MIB, t0 + 60_000);
        PeerState ten = seederState(user, seeder, 10 * MIB, t0 + 120_000);
        recorder.onPeerChange(new PeerChange(torrentId, held, five, NONE));
        recorder.onPeerChange(new PeerChange(torrentId, five, ten, NONE));
        LedgerBatch batch = own.drain();
        flusher.commit(batch); // committed, but as if the acknowledgement was lost
        own.restore(batch);
        PeerState restarted = seederState(user, seeder, 0, t0 + 180_000);
        recorder.onPeerChange(new PeerChange(torrentId, ten, restarted, STARTED));
        recorder.onPeerChange(new PeerChange(torrentId, restarted, seederState(user, seeder, 4 * MIB, t0 + 240_000),
                NONE));
        flusher.commit(own.drain());
        assertThat(userColumn(user.id(), "uploaded")).as("10 MiB once, then 4 after the restart").isEqualTo(14 * MIB);
    }

    /**
     * A ledger of the test's own, with a recorder into it: its batches are the test's, not the running flusher's,
     * and go to PostgreSQL through the running flusher's {@code commit}.
     */
    private static Ledger ownLedger() {
        return new Ledger(new LedgerProperties(Duration.ofSeconds(1), Duration.ofSeconds(5), 1000,
                Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofSeconds(60), 0.9));
    }

    private LedgerRecorder recorderInto(Ledger own) {
        SwarmProperties swarm = new SwarmProperties(Duration.ofMinutes(45), Duration.ofDays(14), Duration.ofMinutes(1),
                Duration.ofHours(1));
        return new LedgerRecorder(own, rules, SeedPointRates.NONE, new ActiveTime(() -> 38 * 60_000, swarm), swarm);
    }

    private long lastAnnounceMillis(CreatedUser user) {
        return jdbc.queryForObject("SELECT (extract(epoch FROM last_announce) * 1000)::bigint FROM peers "
                + "WHERE user_id = ?", Long.class, user.id());
    }

    private static PeerState seederState(CreatedUser user, TestClient client, long uploaded, long atMillis) {
        return new PeerState(user.id(), client.peerId(), null, PeerAddresses.compact(new byte[] {127, 0, 12, 2},
                client.port()), null, uploaded, 0, 0, false, "test", atMillis, atMillis, true, false, false);
    }

    @Test
    void aFlushBlockedByARowLockGivesUpAfterTheLockTimeoutAndIsWrittenLater() throws Exception {
        CreatedUser user = newUser();
        TestClient seeder = client(user, newTorrent(100 * MIB), "-TR3000-", "127.0.12.7");
        seeder.announce(0, 0, 0, STARTED);
        flushLedger();
        try (Connection locking = dataSource.getConnection()) {
            locking.setAutoCommit(false);
            try (PreparedStatement lock = locking.prepareStatement("SELECT 1 FROM users WHERE id = ? FOR UPDATE")) {
                lock.setLong(1, user.id());
                lock.executeQuery().close();
            }
            clock.advance(Duration.ofMinutes(20));
            seeder.announce(2 * MIB, 0, 0, NONE);
            Await.until("the flush gave up on the locked row (tracker.ledger.lock-timeout, 10 s)",
                    Duration.ofSeconds(30), ledger::lastFlushFailed);
            locking.rollback();
        }
        flushLedger();
        assertThat(userColumn(user.id(), "uploaded")).isEqualTo(2 * MIB);
    }

    @Test
    void aSnatchComesFromDownloadedBytesWhateverLeftSays() {
        InfoHash torrent = newTorrent(100 * MIB);
        CreatedUser liar = newUser();
        TestClient claimsIncomplete = client(liar, torrent, "-qB4520-", "127.0.12.3");
        claimsIncomplete.announce(0, 0, 100 * MIB, STARTED);
        clock.advance(Duration.ofMinutes(5));
        claimsIncomplete.announce(0, 95 * MIB, 100 * MIB, NONE); // 95 % downloaded, still "left" everything
        CreatedUser uploader = newUser();
        TestClient hadItAll = client(uploader, torrent, "-TR3000-", "127.0.12.4");
        hadItAll.announce(0, 0, 0, STARTED);
        clock.advance(Duration.ofMinutes(5));
        hadItAll.announce(0, 0, 0, org.swarmkeeper.protocol.AnnounceEvent.COMPLETED); // downloaded nothing
        flushLedger();
        assertThat(completedAt(liar)).as("the 95 % download is a snatch").isNotNull();
        assertThat(completedAt(uploader)).as("left=0 without downloading is not").isNull();
        assertThat(jdbc.queryForObject("SELECT snatches FROM torrents WHERE info_hash = ?", Long.class,
                torrent.toBytes())).isEqualTo(1);
    }

    @Test
    void cyclingPeerIdsKeepsAUsersPeerRowsBounded() {
        CreatedUser user = newUser();
        InfoHash torrent = newTorrent(100 * MIB);
        for (int i = 0; i < 40; i++) {
            TestClient session = client(user, torrent, "-TR3000-", "127.0.12.5"); // a new peer_id each time
            assertThat(session.announce(0, 0, 0, STARTED).has("failure reason")).isFalse();
            session.announce(0, 0, 0, org.swarmkeeper.protocol.AnnounceEvent.STOPPED);
            clock.advance(Duration.ofSeconds(1));
        }
        flushLedger();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM peers WHERE user_id = ?", Long.class, user.id()))
                .isEqualTo(16);
    }

    private Timestamp completedAt(CreatedUser user) {
        return jdbc.queryForObject("SELECT completed_at FROM user_torrent_history WHERE user_id = ?", Timestamp.class,
                user.id());
    }
}
