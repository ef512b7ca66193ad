package org.swarmkeeper.accounting;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.swarmkeeper.protocol.PeerAddresses;
import org.swarmkeeper.swarm.PeerState;
import org.swarmkeeper.swarm.Swarm;
import org.swarmkeeper.swarm.SwarmRegistry;

/**
 * Writes the ledger to PostgreSQL every flush interval, or at once when an announce waits for durability,
 * in one transaction of JDBC batches: peer baselines, history and user increments, snatches. A failed
 * transaction rolls back whole and its batch goes back into the ledger, so nothing is lost or doubled.
 */
@Component
class LedgerFlusher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LedgerFlusher.class);

    private static final String UPSERT_PEER = """
            INSERT INTO peers (torrent_id, user_id, peer_id, peer_key, ipv4, port4, ipv6, port6, uploaded,
                               downloaded, bytes_left, seeding, partial_seed, user_agent, first_announce,
                               last_announce, active)
            VALUES (?, ?, ?, ?, ?::inet, ?, ?::inet, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (torrent_id, user_id, peer_id) DO UPDATE SET
                peer_key = EXCLUDED.peer_key, ipv4 = EXCLUDED.ipv4, port4 = EXCLUDED.port4,
                ipv6 = EXCLUDED.ipv6, port6 = EXCLUDED.port6, uploaded = EXCLUDED.uploaded,
                downloaded = EXCLUDED.downloaded, bytes_left = EXCLUDED.bytes_left, seeding = EXCLUDED.seeding,
                partial_seed = EXCLUDED.partial_seed, user_agent = EXCLUDED.user_agent,
                last_announce = EXCLUDED.last_announce, active = EXCLUDED.active
            WHERE peers.last_announce <= EXCLUDED.last_announce
            """;
    private static final String UPSERT_HISTORY = """
            INSERT INTO user_torrent_history AS h (user_id, torrent_id, uploaded, downloaded, raw_uploaded,
                                                   raw_downloaded, seed_time_ms, leech_time_ms, first_seen, last_seen)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id, torrent_id) DO UPDATE SET
                uploaded = saturated_add(h.uploaded, EXCLUDED.uploaded),
                downloaded = saturated_add(h.downloaded, EXCLUDED.downloaded),
                raw_uploaded = saturated_add(h.raw_uploaded, EXCLUDED.raw_uploaded),
                raw_downloaded = saturated_add(h.raw_downloaded, EXCLUDED.raw_downloaded),
                seed_time_ms = saturated_add(h.seed_time_ms, EXCLUDED.seed_time_ms),
                leech_time_ms = saturated_add(h.leech_time_ms, EXCLUDED.leech_time_ms),
                last_seen = GREATEST(h.last_seen, EXCLUDED.last_seen)
            """;
    private static final String CREDIT_USER = """
            UPDATE users SET uploaded = saturated_add(uploaded, ?), downloaded = saturated_add(downloaded, ?),
                             raw_uploaded = saturated_add(raw_uploaded, ?), raw_downloaded = saturated_add(raw_downloaded, ?),
                             updated_at = now()
            WHERE id = ?""";
    /** A snatch counts once per user×torrent: only the first completion sets completed_at and the count. */
    private static final String RECORD_SNATCH = """
            WITH snatched AS (
                UPDATE user_torrent_history SET completed_at = ?
                WHERE user_id = ? AND torrent_id = ? AND completed_at IS NULL
                RETURNING torrent_id)
            UPDATE torrents SET snatches = snatches + 1, updated_at = now()
            FROM snatched WHERE torrents.id = snatched.torrent_id
            RETURNING torrents.snatches
            """;

    private final Ledger ledger;
    private final DataSource dataSource;
    private final SwarmRegistry swarms;
    private final long flushIntervalMillis;
    private static final long SHUTDOWN_WAIT_MILLIS = 30_000;

    private final Timer flushTimer;
    private final DistributionSummary flushRows;
    private volatile boolean running;
    private Thread worker;

    LedgerFlusher(Ledger ledger, DataSource dataSource, SwarmRegistry swarms, LedgerProperties properties,
                  MeterRegistry meters) {
        this.ledger = ledger;
        this.dataSource = dataSource;
        this.swarms = swarms;
        this.flushIntervalMillis = properties.flushInterval().toMillis();
        this.flushTimer = Timer.builder("tracker.flush").description("Ledger flushes to PostgreSQL").register(meters);
        this.flushRows = DistributionSummary.builder("tracker.flush.rows").baseUnit("rows")
                .description("Peer and history rows written by one committed flush").register(meters);
        Gauge.builder("tracker.ledger.pending", ledger, Ledger::pendingPeers)
                .description("Peers whose state and credit wait for the next flush").register(meters);
        Gauge.builder("tracker.ledger.lag", ledger, Ledger::flushLagSeconds).baseUnit("seconds")
                .description("Age of the oldest credit not yet committed to PostgreSQL").register(meters);
    }

    @Override
    public void start() {
        running = true;
        worker = new Thread(this::run, "ledger-flusher");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Stops after the web server (lower phase). The worker itself does the last flush, so two flushes never
     * run at once.
     */
    @Override
    public void stop() {
        running = false;
        ledger.wakeFlusher();
        try {
            worker.join(SHUTDOWN_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            log.error("The last ledger flush did not finish within {} ms; clients' next announces recompute the "
                    + "unwritten credit from the last committed baselines", SHUTDOWN_WAIT_MILLIS);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return 0;
    }

    private void run() {
        while (running) {
            flushAndReport();
            try {
                // After a failure, retry at the flush interval; announces do not wait meanwhile.
                ledger.awaitFlushDue(flushIntervalMillis);
            } catch (InterruptedException e) {
                break;
            }
        }
        if (!flushAndReport()) {
            log.error("Final ledger flush failed; clients' next announces recompute the unwritten credit "
                    + "from the last committed baselines");
        }
    }

    private boolean flushAndReport() {
        boolean ok;
        try {
            ok = flush();
        } catch (RuntimeException e) {
            log.error("Unexpected error in the ledger flusher; the batch is kept for the next flush", e);
            ok = false;
        }
        if (ok && ledger.lastFlushFailed()) {
            log.info("Ledger flushes succeed again");
        }
        ledger.flushOutcome(!ok);
        return ok;
    }

    /** Writes one batch; true when it committed (or there was nothing to write). */
    boolean flush() {
        LedgerBatch batch = ledger.drain();
        if (batch.isEmpty()) {
            batch.committed.complete(null);
            return true;
        }
        try {
            commit(batch);
            batch.committed.complete(null);
            return true;
        } catch (SQLException e) {
            if (refusedData(e)) {
                log.error("PostgreSQL refused the ledger batch ({}); writing it per user and torrent", cause(e));
                return flushSeparately(batch);
            }
            giveBack(batch, e);
            return false;
        } catch (RuntimeException | Error e) {
            giveBack(batch, e);
            throw e;
        }
    }

    /**
     * A batch PostgreSQL refuses for its content would fail forever if retried whole: write each user×torrent
     * on its own and drop only what is refused, logged at ERROR. The dropped credit is lost (the swarm's
     * baseline has moved on). Client input cannot cause this any more (totals saturate, user agents are
     * cleaned); it happens when a user or torrent is deleted in SQL behind the tracker's back.
     */
    private boolean flushSeparately(LedgerBatch batch) {
        List<LedgerBatch> parts = batch.perUserAndTorrent();
        for (int i = 0; i < parts.size(); i++) {
            try {
                commit(parts.get(i));
            } catch (SQLException e) {
                if (!refusedData(e)) {
                    parts.subList(i, parts.size()).forEach(ledger::restore);
                    batch.committed.completeExceptionally(e);
                    return false;
                }
                log.error("Dropped the ledger entry of {}: {}", parts.get(i).owner(), cause(e));
            }
        }
        batch.committed.complete(null);
        return true;
    }

    private void giveBack(LedgerBatch batch, Throwable cause) {
        if (!ledger.lastFlushFailed()) {
            log.warn("Ledger flush failed ({}); retrying every {} ms while announces are answered from memory",
                    cause instanceof SQLException sql ? cause(sql) : cause.toString(), flushIntervalMillis);
        }
        ledger.restore(batch);
        batch.committed.completeExceptionally(cause);
    }

    /** PostgreSQL's own words: a failed JDBC batch hides them behind its next exception. */
    private static String cause(SQLException e) {
        SQLException next = e.getNextException();
        return (next != null ? next : e).getMessage();
    }

    /** SQLState classes 22 (data exception) and 23 (integrity constraint violation). */
    private static boolean refusedData(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /**
     * Writes a batch in one transaction (timed as {@code tracker.flush}, its rows counted in
     * {@code tracker.flush.rows}), then tells the swarms their new snatch counts.
     */
    private void commit(LedgerBatch batch) throws SQLException {
        Timer.Sample sample = Timer.start();
        Map<Long, Long> snatchCounts;
        try {
            snatchCounts = write(batch);
        } finally {
            sample.stop(flushTimer);
        }
        flushRows.record(batch.peers.size() + batch.history.size());
        snatchCounts.forEach((torrentId, snatches) -> {
            Swarm swarm = swarms.find(torrentId);
            if (swarm != null) {
                swarm.snatches(snatches);
            }
        });
    }

    private Map<Long, Long> write(LedgerBatch batch) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                writePeers(connection, batch);
                writeHistoryAndUsers(connection, batch);
                Map<Long, Long> snatchCounts = writeSnatches(connection, batch);
                connection.commit();
                return snatchCounts;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private void writePeers(Connection connection, LedgerBatch batch) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(UPSERT_PEER)) {
            for (PeerState peer : batch.peers.values()) {
                upsert.setLong(1, peer.torrentId());
                upsert.setLong(2, peer.userId());
                upsert.setBytes(3, peer.peerId().toBytes());
                upsert.setBytes(4, peer.key());
                setEndpoint(upsert, 5, peer.compactV4());
                setEndpoint(upsert, 7, peer.compactV6());
                upsert.setLong(9, peer.uploaded());
                upsert.setLong(10, peer.downloaded());
                upsert.setLong(11, peer.left());
                upsert.setBoolean(12, peer.seeding());
                upsert.setBoolean(13, peer.partialSeed());
                upsert.setString(14, peer.userAgent());
                upsert.setTimestamp(15, new Timestamp(peer.firstAnnounceMillis()));
                upsert.setTimestamp(16, new Timestamp(peer.lastAnnounceMillis()));
                upsert.setBoolean(17, peer.active());
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    private static void setEndpoint(PreparedStatement statement, int index, byte[] compact) throws SQLException {
        if (compact == null) {
            statement.setNull(index, Types.VARCHAR);
            statement.setNull(index + 1, Types.INTEGER);
        } else {
            statement.setString(index, PeerAddresses.address(compact).getHostAddress());
            statement.setInt(index + 1, PeerAddresses.port(compact));
        }
    }

    /** History first (it creates the rows snatches update), then users in id order to avoid deadlocks between nodes. */
    private void writeHistoryAndUsers(Connection connection, LedgerBatch batch) throws SQLException {
        Map<Long, long[]> userCredit = new TreeMap<>();
        List<Map.Entry<LedgerBatch.HistoryKey, LedgerBatch.HistoryDelta>> entries = new ArrayList<>(batch.history.entrySet());
        entries.sort(Comparator.comparingLong((Map.Entry<LedgerBatch.HistoryKey, LedgerBatch.HistoryDelta> e) -> e.getKey().userId())
                .thenComparingLong(e -> e.getKey().torrentId()));
        try (PreparedStatement upsert = connection.prepareStatement(UPSERT_HISTORY)) {
            for (Map.Entry<LedgerBatch.HistoryKey, LedgerBatch.HistoryDelta> entry : entries) {
                LedgerBatch.HistoryKey key = entry.getKey();
                LedgerBatch.HistoryDelta delta = entry.getValue();
                upsert.setLong(1, key.userId());
                upsert.setLong(2, key.torrentId());
                upsert.setLong(3, delta.uploaded);
                upsert.setLong(4, delta.downloaded);
                upsert.setLong(5, delta.rawUploaded);
                upsert.setLong(6, delta.rawDownloaded);
                upsert.setLong(7, delta.seedMillis);
                upsert.setLong(8, delta.leechMillis);
                upsert.setTimestamp(9, new Timestamp(delta.firstSeenMillis));
                upsert.setTimestamp(10, new Timestamp(delta.lastSeenMillis));
                upsert.addBatch();
                long[] credit = userCredit.computeIfAbsent(key.userId(), id -> new long[4]);
                credit[0] = LedgerBatch.saturatedAdd(credit[0], delta.uploaded);
                credit[1] = LedgerBatch.saturatedAdd(credit[1], delta.downloaded);
                credit[2] = LedgerBatch.saturatedAdd(credit[2], delta.rawUploaded);
                credit[3] = LedgerBatch.saturatedAdd(credit[3], delta.rawDownloaded);
            }
            upsert.executeBatch();
        }
        try (PreparedStatement update = connection.prepareStatement(CREDIT_USER)) {
            for (Map.Entry<Long, long[]> entry : userCredit.entrySet()) {
                long[] credit = entry.getValue();
                if (credit[0] != 0 || credit[1] != 0 || credit[2] != 0 || credit[3] != 0) {
                    for (int i = 0; i < credit.length; i++) {
                        update.setLong(i + 1, credit[i]);
                    }
                    update.setLong(credit.length + 1, entry.getKey());
                    update.addBatch();
                }
            }
            update.executeBatch();
        }
    }

    /** Returns the new snatch count of each torrent that gained a snatch. */
    private Map<Long, Long> writeSnatches(Connection connection, LedgerBatch batch) throws SQLException {
        Map<Long, Long> counts = new TreeMap<>();
        try (PreparedStatement snatch = connection.prepareStatement(RECORD_SNATCH)) {
            for (Map.Entry<LedgerBatch.HistoryKey, LedgerBatch.HistoryDelta> entry : batch.history.entrySet()) {
                if (entry.getValue().completedAtMillis == 0) {
                    continue;
                }
                snatch.setTimestamp(1, new Timestamp(entry.getValue().completedAtMillis));
                snatch.setLong(2, entry.getKey().userId());
                snatch.setLong(3, entry.getKey().torrentId());
                try (ResultSet rows = snatch.executeQuery()) {
                    if (rows.next()) {
                        counts.put(entry.getKey().torrentId(), rows.getLong(1));
                    }
                }
            }
        }
        return counts;
    }
}
