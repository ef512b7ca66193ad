package org.swarmkeeper.accounting;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import javax.sql.DataSource;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionTimer;
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
 * in one transaction of set-based writes: peer baselines, history and user increments, snatches. A failed
 * transaction rolls back whole and its batch goes back into the ledger, so nothing is lost or doubled.
 */
@Component
class LedgerFlusher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LedgerFlusher.class);

    /*
     * The peer, history and user writes are one statement each over arrays (one element per row): PostgreSQL
     * plans and runs one set-based write instead of one statement per row, which is most of a flush's cost.
     * Instants travel as epoch milliseconds, added to the epoch exactly.
     */
    private static final String UPSERT_PEERS = """
            INSERT INTO peers (torrent_id, user_id, peer_id, peer_key, ipv4, port4, ipv6, port6, uploaded,
                               downloaded, bytes_left, seeding, partial_seed, user_agent, first_announce,
                               last_announce, active)
            SELECT t, u, p, k, i4::inet, p4, i6::inet, p6, up, down, lft, s, ps, ua,
                   timestamptz 'epoch' + f * interval '1 millisecond',
                   timestamptz 'epoch' + l * interval '1 millisecond', a
            FROM unnest(?::bigint[], ?::bigint[], ?::bytea[], ?::bytea[], ?::text[], ?::integer[], ?::text[],
                        ?::integer[], ?::bigint[], ?::bigint[], ?::bigint[], ?::boolean[], ?::boolean[], ?::text[],
                        ?::bigint[], ?::bigint[], ?::boolean[])
                 AS r (t, u, p, k, i4, p4, i6, p6, up, down, lft, s, ps, ua, f, l, a)
            ON CONFLICT (torrent_id, user_id, peer_id) DO UPDATE SET
                peer_key = EXCLUDED.peer_key, ipv4 = EXCLUDED.ipv4, port4 = EXCLUDED.port4,
                ipv6 = EXCLUDED.ipv6, port6 = EXCLUDED.port6, uploaded = EXCLUDED.uploaded,
                downloaded = EXCLUDED.downloaded, bytes_left = EXCLUDED.bytes_left, seeding = EXCLUDED.seeding,
                partial_seed = EXCLUDED.partial_seed, user_agent = EXCLUDED.user_agent,
                last_announce = EXCLUDED.last_announce, active = EXCLUDED.active
            WHERE peers.last_announce <= EXCLUDED.last_announce
            """;
    /** Rows in (user, torrent) order, as the arrays are built, so that two nodes lock them in the same order. */
    private static final String UPSERT_HISTORY = """
            INSERT INTO user_torrent_history AS h (user_id, torrent_id, uploaded, downloaded, raw_uploaded,
                                                   raw_downloaded, seed_time_ms, leech_time_ms, first_seen, last_seen)
            SELECT u, t, up, down, rup, rdown, seed, leech, timestamptz 'epoch' + f * interval '1 millisecond',
                   timestamptz 'epoch' + l * interval '1 millisecond'
            FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                        ?::bigint[], ?::bigint[], ?::bigint[]) WITH ORDINALITY
                 AS r (u, t, up, down, rup, rdown, seed, leech, f, l, n)
            ORDER BY n
            ON CONFLICT (user_id, torrent_id) DO UPDATE SET
                uploaded = saturated_add(h.uploaded, EXCLUDED.uploaded),
                downloaded = saturated_add(h.downloaded, EXCLUDED.downloaded),
                raw_uploaded = saturated_add(h.raw_uploaded, EXCLUDED.raw_uploaded),
                raw_downloaded = saturated_add(h.raw_downloaded, EXCLUDED.raw_downloaded),
                seed_time_ms = saturated_add(h.seed_time_ms, EXCLUDED.seed_time_ms),
                leech_time_ms = saturated_add(h.leech_time_ms, EXCLUDED.leech_time_ms),
                last_seen = GREATEST(h.last_seen, EXCLUDED.last_seen)
            """;
    /** One array parameter of a set-based write: its SQL element type, Java element type and value per row. */
    private record ArrayColumn<R>(String sqlType, Class<?> javaType, Function<R, Object> value) {
    }

    private static <R> ArrayColumn<R> bigint(Function<R, Object> value) {
        return new ArrayColumn<>("bigint", Long.class, value);
    }

    private static Integer port(byte[] compact) {
        return compact == null ? null : PeerAddresses.port(compact);
    }

    /** In the order of {@link #UPSERT_PEERS}'s {@code unnest}. */
    private static final List<ArrayColumn<Map.Entry<LedgerBatch.PeerKey, PeerState>>> PEER_COLUMNS = List.of(
            bigint(row -> row.getKey().torrentId()),
            bigint(row -> row.getValue().userId()),
            new ArrayColumn<>("bytea", byte[].class, row -> row.getValue().peerId().toBytes()),
            new ArrayColumn<>("bytea", byte[].class, row -> row.getValue().key()),
            new ArrayColumn<>("text", String.class, row -> PeerAddresses.host(row.getValue().compactV4())),
            new ArrayColumn<>("integer", Integer.class, row -> port(row.getValue().compactV4())),
            new ArrayColumn<>("text", String.class, row -> PeerAddresses.host(row.getValue().compactV6())),
            new ArrayColumn<>("integer", Integer.class, row -> port(row.getValue().compactV6())),
            bigint(row -> row.getValue().uploaded()),
            bigint(row -> row.getValue().downloaded()),
            bigint(row -> row.getValue().left()),
            new ArrayColumn<>("boolean", Boolean.class, row -> row.getValue().seeding()),
            new ArrayColumn<>("boolean", Boolean.class, row -> row.getValue().partialSeed()),
            new ArrayColumn<>("text", String.class, row -> row.getValue().userAgent()),
            bigint(row -> row.getValue().firstAnnounceMillis()),
            bigint(row -> row.getValue().lastAnnounceMillis()),
            new ArrayColumn<>("boolean", Boolean.class, row -> row.getValue().active()));

    /** In the order of {@link #UPSERT_HISTORY}'s {@code unnest}. */
    private static final List<ArrayColumn<Map.Entry<LedgerBatch.HistoryKey, LedgerBatch.HistoryDelta>>>
            HISTORY_COLUMNS = List.of(
            bigint(row -> row.getKey().userId()),
            bigint(row -> row.getKey().torrentId()),
            bigint(row -> row.getValue().uploaded),
            bigint(row -> row.getValue().downloaded),
            bigint(row -> row.getValue().rawUploaded),
            bigint(row -> row.getValue().rawDownloaded),
            bigint(row -> row.getValue().seedMillis),
            bigint(row -> row.getValue().leechMillis),
            bigint(row -> row.getValue().firstSeenMillis),
            bigint(row -> row.getValue().lastSeenMillis));

    /**
     * Locks the credited users' rows in id order before {@link #CREDIT_USERS}, whose join may visit them in any
     * order: two nodes crediting the same users then wait for each other instead of deadlocking.
     */
    private static final String LOCK_USERS = "SELECT 1 FROM users WHERE id = ANY (?::bigint[]) ORDER BY id FOR NO KEY UPDATE";
    /** One statement for every credited user. */
    private static final String CREDIT_USERS = """
            UPDATE users SET uploaded = saturated_add(uploaded, c.up), downloaded = saturated_add(downloaded, c.down),
                             raw_uploaded = saturated_add(raw_uploaded, c.rup),
                             raw_downloaded = saturated_add(raw_downloaded, c.rdown), updated_at = now()
            FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[]) AS c (id, up, down, rup, rdown)
            WHERE users.id = c.id""";
    /** In the order of {@link #CREDIT_USERS}'s {@code unnest}: the user id, then the four totals' credit. */
    private static final List<ArrayColumn<Map.Entry<Long, long[]>>> USER_CREDIT_COLUMNS = List.of(
            bigint(Map.Entry::getKey),
            bigint(row -> row.getValue()[0]),
            bigint(row -> row.getValue()[1]),
            bigint(row -> row.getValue()[2]),
            bigint(row -> row.getValue()[3]));
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
        FunctionTimer.builder("tracker.ledger.held", ledger, Ledger::heldRequests, Ledger::heldNanos,
                        TimeUnit.NANOSECONDS)
                .description("Announces and scrapes held by back-pressure until the flusher caught up "
                        + "(tracker.ledger.max-lag)").register(meters);
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
            long started = System.nanoTime();
            boolean committed = flushAndReport();
            // One flush per interval, counted from this flush's start: the next batch's oldest credit dates from
            // this drain, so waiting a whole interval after the flush would add the flush's time to its age. A flush
            // longer than the interval is followed at once by the next. After a failure, the retry waits a whole
            // interval; announces do not wait meanwhile.
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
            long waitMillis = committed ? Math.max(0, flushIntervalMillis - elapsedMillis) : flushIntervalMillis;
            try {
                ledger.awaitFlushDue(waitMillis);
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
            ledger.committed(batch);
            return true;
        }
        try {
            commit(batch);
            ledger.committed(batch);
            return true;
        } catch (SQLException e) {
            if (refusedData(e)) {
                log.error("PostgreSQL refused the ledger batch ({}); writing it per user and torrent", e.getMessage());
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
                log.error("Dropped the ledger entry of {}: {}", parts.get(i).owner(), e.getMessage());
            }
        }
        ledger.committed(batch);
        return true;
    }

    private void giveBack(LedgerBatch batch, Throwable cause) {
        if (!ledger.lastFlushFailed()) {
            log.warn("Ledger flush failed ({}); retrying every {} ms while announces are answered from memory",
                    cause instanceof SQLException sql ? sql.getMessage() : cause.toString(), flushIntervalMillis);
        }
        ledger.restore(batch);
        batch.committed.completeExceptionally(cause);
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
        writeRows(connection, UPSERT_PEERS, PEER_COLUMNS, new ArrayList<>(batch.peers.entrySet()));
    }

    /**
     * Runs one of the set-based writes: each column becomes one SQL array of its type (pgjdbc sends typed
     * arrays in binary), in the order of the statement's {@code unnest}.
     */
    private static <R> void writeRows(Connection connection, String sql, List<ArrayColumn<R>> columns, List<R> rows)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement write = connection.prepareStatement(sql)) {
            for (int column = 0; column < columns.size(); column++) {
                ArrayColumn<R> spec = columns.get(column);
                Object[] values = (Object[]) java.lang.reflect.Array.newInstance(spec.javaType(), rows.size());
                for (int row = 0; row < values.length; row++) {
                    values[row] = spec.value().apply(rows.get(row));
                }
                write.setArray(column + 1, connection.createArrayOf(spec.sqlType(), values));
            }
            write.executeUpdate();
        }
    }

    /** History first (it creates the rows snatches update), then users in id order to avoid deadlocks between nodes. */
    private void writeHistoryAndUsers(Connection connection, LedgerBatch batch) throws SQLException {
        Map<Long, long[]> userCredit = new TreeMap<>();
        List<Map.Entry<LedgerBatch.HistoryKey, LedgerBatch.HistoryDelta>> entries = new ArrayList<>(batch.history.entrySet());
        entries.sort(Comparator.comparingLong((Map.Entry<LedgerBatch.HistoryKey, LedgerBatch.HistoryDelta> e) -> e.getKey().userId())
                .thenComparingLong(e -> e.getKey().torrentId()));
        writeRows(connection, UPSERT_HISTORY, HISTORY_COLUMNS, entries);
        for (Map.Entry<LedgerBatch.HistoryKey, LedgerBatch.HistoryDelta> entry : entries) {
            LedgerBatch.HistoryDelta delta = entry.getValue();
            long[] credit = userCredit.computeIfAbsent(entry.getKey().userId(), id -> new long[4]);
            credit[0] = LedgerBatch.saturatedAdd(credit[0], delta.uploaded);
            credit[1] = LedgerBatch.saturatedAdd(credit[1], delta.downloaded);
            credit[2] = LedgerBatch.saturatedAdd(credit[2], delta.rawUploaded);
            credit[3] = LedgerBatch.saturatedAdd(credit[3], delta.rawDownloaded);
        }
        List<Map.Entry<Long, long[]>> credited = new ArrayList<>(userCredit.size());
        for (Map.Entry<Long, long[]> entry : userCredit.entrySet()) {
            long[] credit = entry.getValue();
            if (credit[0] != 0 || credit[1] != 0 || credit[2] != 0 || credit[3] != 0) {
                credited.add(entry);
            }
        }
        if (credited.isEmpty()) {
            return;
        }
        try (PreparedStatement lock = connection.prepareStatement(LOCK_USERS)) {
            lock.setArray(1, connection.createArrayOf("bigint", credited.stream().map(Map.Entry::getKey).toArray(Long[]::new)));
            lock.executeQuery().close();
        }
        writeRows(connection, CREDIT_USERS, USER_CREDIT_COLUMNS, credited);
    }

    /**
     * Returns the new snatch count of each torrent that gained a snatch. In torrent id order, the order in which
     * the torrents' rows are locked, so that two nodes cannot deadlock on them.
     */
    private Map<Long, Long> writeSnatches(Connection connection, LedgerBatch batch) throws SQLException {
        Map<Long, Long> counts = new TreeMap<>();
        List<Map.Entry<LedgerBatch.HistoryKey, LedgerBatch.HistoryDelta>> completions = batch.history.entrySet().stream()
                .filter(entry -> entry.getValue().completedAtMillis != 0)
                .sorted(Comparator.comparingLong((Map.Entry<LedgerBatch.HistoryKey, LedgerBatch.HistoryDelta> e) -> e.getKey().torrentId())
                        .thenComparingLong(e -> e.getKey().userId()))
                .toList();
        try (PreparedStatement snatch = connection.prepareStatement(RECORD_SNATCH)) {
            for (Map.Entry<LedgerBatch.HistoryKey, LedgerBatch.HistoryDelta> entry : completions) {
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
