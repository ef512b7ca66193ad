package org.swarmkeeper.accounting;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.swarmkeeper.accounting.LedgerBatch.Baseline;
import org.swarmkeeper.accounting.LedgerBatch.HistoryDelta;
import org.swarmkeeper.accounting.LedgerBatch.HistoryKey;
import org.swarmkeeper.accounting.LedgerBatch.PeerEntry;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.swarmkeeper.protocol.PeerAddresses;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.swarm.PeerKey;
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
    /** Inserts the rows {@code r} of {@link #PEER_COLUMNS} (t, u, p … fdown), followed by a FROM clause giving them. */
    private static final String INSERT_PEER_ROWS = """
            INSERT INTO peers (torrent_id, user_id, peer_id, peer_key, ipv4, port4, ipv6, port6, uploaded,
                               downloaded, bytes_left, seeding, partial_seed, user_agent, first_announce,
                               last_announce, active, stopped, first_uploaded, first_downloaded)
            SELECT t, u, p, k, i4::inet, p4, i6::inet, p6, up, down, lft, s, ps, ua,
                   timestamptz 'epoch' + f * interval '1 millisecond',
                   timestamptz 'epoch' + l * interval '1 millisecond', a, st, fup, fdown
            """;
    /**
     * Compare-and-set of every peer of the batch: a row is updated only while it still holds the baseline the node
     * computed credit against (counters and announce time), and inserted only when the node held no baseline and
     * no other node wrote one. Returns the peers not written: another node, or an earlier attempt of this flush
     * whose commit was not acknowledged, moved their rows on.
     */
    private static final String COMPARE_AND_SET_PEERS = """
            WITH r AS (
                SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bytea[], ?::bytea[], ?::text[], ?::integer[],
                                     ?::text[], ?::integer[], ?::bigint[], ?::bigint[], ?::bigint[], ?::boolean[],
                                     ?::boolean[], ?::text[], ?::bigint[], ?::bigint[], ?::boolean[], ?::boolean[],
                                     ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])
                     AS r (t, u, p, k, i4, p4, i6, p6, up, down, lft, s, ps, ua, f, l, a, st, fup, fdown, eup, edown,
                           el)),
            updated AS (
                UPDATE peers SET peer_key = r.k, ipv4 = r.i4::inet, port4 = r.p4, ipv6 = r.i6::inet, port6 = r.p6,
                                 uploaded = r.up, downloaded = r.down, bytes_left = r.lft, seeding = r.s,
                                 partial_seed = r.ps, user_agent = r.ua,
                                 last_announce = timestamptz 'epoch' + r.l * interval '1 millisecond', active = r.a,
                                 stopped = r.st
                FROM r
                WHERE r.el IS NOT NULL AND peers.torrent_id = r.t AND peers.user_id = r.u AND peers.peer_id = r.p
                  AND peers.uploaded = r.eup AND peers.downloaded = r.edown
                  AND peers.last_announce = timestamptz 'epoch' + r.el * interval '1 millisecond'
                RETURNING peers.torrent_id, peers.user_id, peers.peer_id),
            inserted AS (
                """ + INSERT_PEER_ROWS + """
                FROM r WHERE r.el IS NULL
                ON CONFLICT (torrent_id, user_id, peer_id) DO NOTHING
                RETURNING torrent_id, user_id, peer_id)
            SELECT r.t, r.u, r.p FROM r
            WHERE NOT EXISTS (SELECT 1 FROM updated w WHERE w.torrent_id = r.t AND w.user_id = r.u AND w.peer_id = r.p)
              AND NOT EXISTS (SELECT 1 FROM inserted w WHERE w.torrent_id = r.t AND w.user_id = r.u AND w.peer_id = r.p)
            """;
    /** The stored rows of peers the compare-and-set did not write, locked until the flush commits. */
    private static final String LOCK_STORED_PEERS = """
            SELECT p.torrent_id, p.user_id, p.peer_id, p.uploaded, p.downloaded, p.bytes_left, p.partial_seed,
                   (extract(epoch FROM p.last_announce) * 1000)::bigint AS last_announce_ms, p.active, p.stopped,
                   (extract(epoch FROM p.first_announce) * 1000)::bigint AS first_announce_ms, p.first_uploaded,
                   p.first_downloaded
            FROM peers p JOIN unnest(?::bigint[], ?::bigint[], ?::bytea[]) AS k (t, u, p)
                 ON p.torrent_id = k.t AND p.user_id = k.u AND p.peer_id = k.p
            ORDER BY p.torrent_id, p.user_id, p.peer_id
            FOR NO KEY UPDATE OF p
            """;
    /** Writes rows whose stored state was read and locked first: the newer announce wins. */
    private static final String UPSERT_PEERS = INSERT_PEER_ROWS + """
            FROM unnest(?::bigint[], ?::bigint[], ?::bytea[], ?::bytea[], ?::text[], ?::integer[], ?::text[],
                        ?::integer[], ?::bigint[], ?::bigint[], ?::bigint[], ?::boolean[], ?::boolean[], ?::text[],
                        ?::bigint[], ?::bigint[], ?::boolean[], ?::boolean[], ?::bigint[], ?::bigint[])
                 AS r (t, u, p, k, i4, p4, i6, p6, up, down, lft, s, ps, ua, f, l, a, st, fup, fdown)
            ON CONFLICT (torrent_id, user_id, peer_id) DO UPDATE SET
                peer_key = EXCLUDED.peer_key, ipv4 = EXCLUDED.ipv4, port4 = EXCLUDED.port4,
                ipv6 = EXCLUDED.ipv6, port6 = EXCLUDED.port6, uploaded = EXCLUDED.uploaded,
                downloaded = EXCLUDED.downloaded, bytes_left = EXCLUDED.bytes_left, seeding = EXCLUDED.seeding,
                partial_seed = EXCLUDED.partial_seed, user_agent = EXCLUDED.user_agent,
                last_announce = EXCLUDED.last_announce, active = EXCLUDED.active, stopped = EXCLUDED.stopped
            WHERE peers.last_announce <= EXCLUDED.last_announce
            """;
    /**
     * A user keeps at most as many rows per torrent as a swarm keeps peers of one user: past that, the rows of its
     * peers silent longest and out of the peer lists go, so that cycling peer_ids cannot grow the table.
     */
    private static final String FORGET_SURPLUS_PEERS = """
            DELETE FROM peers p USING (
                SELECT q.torrent_id, q.user_id, q.peer_id,
                       row_number() OVER (PARTITION BY q.torrent_id, q.user_id
                                          ORDER BY q.active DESC, q.last_announce DESC) AS n, q.active
                FROM peers q JOIN unnest(?::bigint[], ?::bigint[]) AS k (t, u) ON q.torrent_id = k.t AND q.user_id = k.u
            ) d
            WHERE d.n > ? AND NOT d.active
              AND p.torrent_id = d.torrent_id AND p.user_id = d.user_id AND p.peer_id = d.peer_id
            """;
    /** Rows in (user, torrent) order, as the arrays are built, so that two nodes lock them in the same order. */
    private static final String UPSERT_HISTORY = """
            INSERT INTO user_torrent_history AS h (user_id, torrent_id, uploaded, downloaded, raw_uploaded,
                                                   raw_downloaded, withheld_uploaded, seed_time_ms, leech_time_ms,
                                                   first_seen, last_seen)
            SELECT u, t, up, down, rup, rdown, wup, seed, leech, timestamptz 'epoch' + f * interval '1 millisecond',
                   timestamptz 'epoch' + l * interval '1 millisecond'
            FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                        ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[]) WITH ORDINALITY
                 AS r (u, t, up, down, rup, rdown, wup, seed, leech, f, l, n)
            ORDER BY n
            ON CONFLICT (user_id, torrent_id) DO UPDATE SET
                uploaded = saturated_add(h.uploaded, EXCLUDED.uploaded),
                downloaded = saturated_add(h.downloaded, EXCLUDED.downloaded),
                raw_uploaded = saturated_add(h.raw_uploaded, EXCLUDED.raw_uploaded),
                raw_downloaded = saturated_add(h.raw_downloaded, EXCLUDED.raw_downloaded),
                withheld_uploaded = saturated_add(h.withheld_uploaded, EXCLUDED.withheld_uploaded),
                seed_time_ms = saturated_add(h.seed_time_ms, EXCLUDED.seed_time_ms),
                leech_time_ms = saturated_add(h.leech_time_ms, EXCLUDED.leech_time_ms),
                last_seen = GREATEST(h.last_seen, EXCLUDED.last_seen)
            RETURNING h.user_id, h.torrent_id, h.seed_time_ms
            """;
    /** Seed points earned per user×torrent, over rows {@link #UPSERT_HISTORY} locked in the same transaction. */
    private static final String PAY_SEED_POINTS = """
            UPDATE user_torrent_history h SET seed_points = saturated_add(h.seed_points, e.p)
            FROM unnest(?::bigint[], ?::bigint[], ?::bigint[]) AS e (u, t, p)
            WHERE h.user_id = e.u AND h.torrent_id = e.t""";
    /** One array parameter of a set-based write: its SQL element type, Java element type and value per row. */
    private record ArrayColumn<R>(String sqlType, Class<?> javaType, Function<R, Object> value) {
    }

    private static <R> ArrayColumn<R> bigint(Function<R, Object> value) {
        return new ArrayColumn<>("bigint", Long.class, value);
    }

    private static Integer port(byte[] compact) {
        return compact == null ? null : PeerAddresses.port(compact);
    }

    /** In the order of {@link #UPSERT_PEERS}'s {@code unnest}; the first of {@link #COMPARE_AND_SET_PEERS}'. */
    private static final List<ArrayColumn<Map.Entry<PeerKey, PeerEntry>>> PEER_COLUMNS =
            List.of(
            bigint(row -> row.getKey().torrentId()),
            bigint(row -> row.getKey().userId()),
            new ArrayColumn<>("bytea", byte[].class, row -> row.getValue().state.peerId().toBytes()),
            new ArrayColumn<>("bytea", byte[].class, row -> row.getValue().state.key()),
            new ArrayColumn<>("text", String.class, row -> PeerAddresses.host(row.getValue().state.compactV4())),
            new ArrayColumn<>("integer", Integer.class, row -> port(row.getValue().state.compactV4())),
            new ArrayColumn<>("text", String.class, row -> PeerAddresses.host(row.getValue().state.compactV6())),
            new ArrayColumn<>("integer", Integer.class, row -> port(row.getValue().state.compactV6())),
            bigint(row -> row.getValue().state.uploaded()),
            bigint(row -> row.getValue().state.downloaded()),
            bigint(row -> row.getValue().state.left()),
            new ArrayColumn<>("boolean", Boolean.class, row -> row.getValue().state.seeding()),
            new ArrayColumn<>("boolean", Boolean.class, row -> row.getValue().state.partialSeed()),
            new ArrayColumn<>("text", String.class, row -> row.getValue().state.userAgent()),
            bigint(row -> row.getValue().state.firstAnnounceMillis()),
            bigint(row -> row.getValue().state.lastAnnounceMillis()),
            new ArrayColumn<>("boolean", Boolean.class, row -> row.getValue().state.active()),
            new ArrayColumn<>("boolean", Boolean.class, row -> row.getValue().state.stopped()),
            bigint(row -> row.getValue().creditedFrom().uploaded()),
            bigint(row -> row.getValue().creditedFrom().downloaded()));

    /** {@link #PEER_COLUMNS}, then the baseline expected in the row (nulls: none expected). */
    private static final List<ArrayColumn<Map.Entry<PeerKey, PeerEntry>>> COMPARE_AND_SET_COLUMNS =
            compareAndSetColumns();

    private static List<ArrayColumn<Map.Entry<PeerKey, PeerEntry>>> compareAndSetColumns() {
        List<ArrayColumn<Map.Entry<PeerKey, PeerEntry>>> columns = new ArrayList<>(PEER_COLUMNS);
        columns.add(bigint(row -> expected(row.getValue(), Baseline::uploaded)));
        columns.add(bigint(row -> expected(row.getValue(), Baseline::downloaded)));
        columns.add(bigint(row -> expected(row.getValue(), Baseline::lastAnnounceMillis)));
        return List.copyOf(columns);
    }

    private static Long expected(PeerEntry entry, ToLongFunction<Baseline> field) {
        return entry.baseline == null ? null : field.applyAsLong(entry.baseline);
    }

    /** In the order of {@link #UPSERT_HISTORY}'s {@code unnest}. */
    private static final List<ArrayColumn<Map.Entry<HistoryKey, HistoryDelta>>>
            HISTORY_COLUMNS = List.of(
            bigint(row -> row.getKey().userId()),
            bigint(row -> row.getKey().torrentId()),
            bigint(row -> row.getValue().uploaded),
            bigint(row -> row.getValue().downloaded),
            bigint(row -> row.getValue().rawUploaded),
            bigint(row -> row.getValue().rawDownloaded),
            bigint(row -> row.getValue().withheldUploaded),
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
                             raw_downloaded = saturated_add(raw_downloaded, c.rdown),
                             withheld_uploaded = saturated_add(withheld_uploaded, c.wup),
                             seed_points = saturated_add(seed_points, c.pts), updated_at = now()
            FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])
                 AS c (id, up, down, rup, rdown, wup, pts)
            WHERE users.id = c.id""";
    /** In the order of {@link #CREDIT_USERS}'s {@code unnest}: the user id, the five totals' credit, the points. */
    private static final List<ArrayColumn<Map.Entry<Long, HistoryDelta>>> USER_CREDIT_COLUMNS = List.of(
            bigint(Map.Entry::getKey),
            bigint(row -> row.getValue().uploaded),
            bigint(row -> row.getValue().downloaded),
            bigint(row -> row.getValue().rawUploaded),
            bigint(row -> row.getValue().rawDownloaded),
            bigint(row -> row.getValue().withheldUploaded),
            bigint(row -> row.getValue().earnedMicroPoints));
    /**
     * A user×torrent becomes a snatch, once, when what the user downloaded of it reaches the snatch share of its
     * size, whatever the client said of {@code left}. Returns the torrents that gained one.
     */
    private static final String RECORD_SNATCHES = """
            UPDATE user_torrent_history h SET completed_at = h.last_seen
            FROM unnest(?::bigint[], ?::bigint[]) AS k (u, t), torrents t
            WHERE h.user_id = k.u AND h.torrent_id = k.t AND t.id = k.t AND h.completed_at IS NULL
              AND t.size > 0 AND h.raw_downloaded >= ? * t.size
            RETURNING h.torrent_id
            """;
    private static final String COUNT_SNATCHES =
            "UPDATE torrents SET snatches = snatches + ?, updated_at = now() WHERE id = ? RETURNING snatches";

    private final Ledger ledger;
    private final DataSource dataSource;
    private final SwarmRegistry swarms;
    private final LedgerRecorder recorder;
    private final long flushIntervalMillis;
    private final double snatchShare;
    /**
     * SET LOCAL of the flush transaction: its statement and lock timeouts, and no sequential scans. Every statement
     * of a flush reaches its rows by key, but planned with a large batch's arrays (a prepared statement's first
     * executions on a connection) the peers' compare-and-set hashed the whole of {@code peers} instead: at 4,500
     * peers among 100,000, 180 ms against 115 ms by the index, and the gap grows with the table.
     */
    private final String transactionSettings;
    private static final long SHUTDOWN_WAIT_MILLIS = 30_000;

    private final Timer flushTimer;
    private final DistributionSummary flushRows;
    private final Counter rebased;
    private final Counter pointsEarned;
    private final SeedPointRates rates;
    private volatile boolean running;
    private volatile Thread worker;

    LedgerFlusher(Ledger ledger, DataSource dataSource, SwarmRegistry swarms, LedgerRecorder recorder,
                  SeedPointRates rates, LedgerProperties properties, MeterRegistry meters) {
        this.ledger = ledger;
        this.rates = rates;
        this.dataSource = dataSource;
        this.swarms = swarms;
        this.recorder = recorder;
        this.flushIntervalMillis = properties.flushInterval().toMillis();
        this.snatchShare = properties.snatchShare();
        this.transactionSettings = "SET LOCAL statement_timeout = " + properties.statementTimeout().toMillis()
                + "; SET LOCAL lock_timeout = " + properties.lockTimeout().toMillis()
                + "; SET LOCAL enable_seqscan = off";
        this.flushTimer = Timer.builder("tracker.flush").description("Ledger flushes to PostgreSQL").register(meters);
        this.flushRows = DistributionSummary.builder("tracker.flush.rows").baseUnit("rows")
                .description("Peer rows written by one committed flush").register(meters);
        this.rebased = Counter.builder("tracker.ledger.rebased")
                .description("Peers credited against a newer baseline found in PostgreSQL (written by another node, "
                        + "or by an earlier attempt of a flush whose commit was not acknowledged)").register(meters);
        this.pointsEarned = Counter.builder("tracker.points.earned")
                .description("Seed points paid by committed flushes").register(meters);
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

    /** Whether the flusher's thread is alive (it outlives any error; health reports it if not). */
    boolean alive() {
        Thread thread = worker;
        return thread != null && thread.isAlive();
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
        } catch (Throwable e) {
            // Whatever happens, the flusher goes on: the batch went back into the ledger, the next try writes it.
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
    void commit(LedgerBatch batch) throws SQLException {
        Timer.Sample sample = Timer.start();
        Written written;
        try {
            written = write(batch);
        } finally {
            sample.stop(flushTimer);
        }
        flushRows.record(batch.peers.size());
        pointsEarned.increment((double) written.earnedMicroPoints() / SeedPointRates.MICROS);
        written.snatchCounts().forEach((torrentId, snatches) -> {
            Swarm swarm = swarms.find(torrentId);
            if (swarm != null) {
                swarm.snatches(snatches);
            }
        });
    }

    /** What a committed flush changed beyond its rows: torrents' new snatch counts, the seed points it paid. */
    private record Written(Map<Long, Long> snatchCounts, long earnedMicroPoints) {
    }

    private Written write(LedgerBatch batch) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (Statement settings = connection.createStatement()) {
                    settings.execute(transactionSettings);
                }
                Map<HistoryKey, HistoryDelta> history = writePeers(connection, batch);
                writeHistoryAndUsers(connection, history);
                Map<Long, Long> snatchCounts = writeSnatches(connection, history);
                forgetSurplusPeers(connection, batch);
                connection.commit();
                return new Written(snatchCounts, history.values().stream()
                        .mapToLong(delta -> delta.earnedMicroPoints).reduce(0, LedgerBatch::saturatedAdd));
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /**
     * Writes every peer whose row still holds the baseline its credit was computed against; credits the others again
     * against the row PostgreSQL holds (a node's stale copy, a retried flush). Returns the credit per user×torrent.
     */
    private Map<HistoryKey, HistoryDelta> writePeers(Connection connection, LedgerBatch batch) throws SQLException {
        List<Map.Entry<PeerKey, PeerEntry>> rows = new ArrayList<>(batch.peers.entrySet());
        List<Map.Entry<PeerKey, PeerEntry>> moved = new ArrayList<>();
        if (!rows.isEmpty()) {
            try (PreparedStatement write = prepareRows(connection, COMPARE_AND_SET_PEERS, COMPARE_AND_SET_COLUMNS, rows);
                 ResultSet notWritten = write.executeQuery()) {
                while (notWritten.next()) {
                    PeerKey key = PeerKey.of(notWritten.getLong(1), notWritten.getLong(2),
                            PeerId.of(notWritten.getBytes(3)));
                    moved.add(Map.entry(key, batch.peers.get(key)));
                }
            }
        }
        Map<PeerKey, HistoryDelta> rebasedCredit = moved.isEmpty() ? Map.of() : rebase(connection, moved);
        Map<HistoryKey, HistoryDelta> history = new HashMap<>();
        batch.peers.forEach((key, entry) -> {
            HistoryDelta credit = rebasedCredit.getOrDefault(key, entry.credit);
            if (credit.lastSeenMillis != 0) { // a peer that only timed out earns nothing
                history.computeIfAbsent(new HistoryKey(key.userId(), key.torrentId()), k -> new HistoryDelta())
                        .add(credit);
            }
        });
        return history;
    }

    /**
     * Credits peers whose rows another writer moved on against what the rows hold, and writes them over those rows
     * (read and locked first). A row newer than the batch's state keeps it, and the batch credits nothing for it.
     */
    private Map<PeerKey, HistoryDelta> rebase(Connection connection, List<Map.Entry<PeerKey, PeerEntry>> moved)
            throws SQLException {
        Map<PeerKey, HistoryDelta> credit = new HashMap<>();
        Map<PeerKey, PeerEntry> entries = new HashMap<>();
        moved.forEach(row -> entries.put(row.getKey(), row.getValue()));
        try (PreparedStatement lock = prepareRows(connection, LOCK_STORED_PEERS, List.of(
                bigint(row -> row.getKey().torrentId()), bigint(row -> row.getKey().userId()),
                new ArrayColumn<>("bytea", byte[].class, row -> row.getValue().state.peerId().toBytes())), moved);
             ResultSet stored = lock.executeQuery()) {
            while (stored.next()) {
                PeerKey key = PeerKey.of(stored.getLong(1), stored.getLong(2),
                        PeerId.of(stored.getBytes(3)));
                PeerEntry entry = entries.get(key);
                long storedLastAnnounce = stored.getLong(8);
                PeerState state = entry.state;
                if (entry.credit.lastSeenMillis == 0) {
                    credit.put(key, new HistoryDelta()); // a peer that only timed out earns nothing
                } else if (storedLastAnnounce > state.lastAnnounceMillis()) {
                    credit.put(key, creditBeforeNewerRow(key, entry, stored));
                } else {
                    LedgerRecorder.Before storedBaseline = new LedgerRecorder.Before(stored.getLong(4),
                            stored.getLong(5), stored.getLong(6), stored.getBoolean(7), storedLastAnnounce,
                            stored.getBoolean(9), stored.getBoolean(10));
                    credit.put(key, creditAgainst(key, entry, storedBaseline));
                }
            }
        }
        rebased.increment(moved.size());
        // Rows gone meanwhile (forgotten, their user or torrent deleted) are written anew with the node's own credit.
        writeRows(connection, UPSERT_PEERS, PEER_COLUMNS, moved);
        return credit;
    }

    /**
     * The credit of an entry against the baseline PostgreSQL holds instead of the one the node held. A row that
     * shows one of the entry's own announces has the credit through it already. Otherwise only the entry's first
     * step was computed against the old baseline: it is credited again against the stored one, and
     * the later steps keep their credit (a client restart within the entry would otherwise wipe what came before
     * it). A stored baseline newer than that first step (another node wrote during the entry) is taken as the
     * start of the whole entry.
     */
    private HistoryDelta creditAgainst(PeerKey key, PeerEntry entry, LedgerRecorder.Before stored) {
        Baseline storedState = new Baseline(stored.uploaded(), stored.downloaded(), stored.lastAnnounceMillis());
        for (int i = entry.steps.size() - 1; i >= 0; i--) {
            if (Baseline.of(entry.steps.get(i).state()).equals(storedState)) { // an unacknowledged earlier attempt
                return entry.creditAfter(i);
            }
        }
        PeerState first = entry.steps.isEmpty() ? null : entry.steps.get(0).state();
        if (first == null || stored.lastAnnounceMillis() > first.lastAnnounceMillis()) {
            return recorder.credit(key.torrentId(), stored, entry.state, entry.grant, seeders(key.torrentId()));
        }
        HistoryDelta credit = entry.creditAfter(0);
        credit.add(recorder.credit(key.torrentId(), stored, first, entry.grant, seeders(key.torrentId())));
        return credit;
    }

    /**
     * The credit of a peer whose row another node wrote from a later announce. If that node had the row already
     * (the row was born before this batch's state), it credited against it, this state's bytes included: nothing
     * is left to this batch. If the row was born after this state, that node first saw the peer then and credited
     * nothing up to its first sight: this batch's credit stands, and so do the bytes from this state to that first
     * sight (the row keeps the counters it was born with).
     */
    private HistoryDelta creditBeforeNewerRow(PeerKey key, PeerEntry entry, ResultSet stored) throws SQLException {
        long bornMillis = stored.getLong(11);
        long bornUploaded = stored.getLong(12);
        boolean bornKnown = !stored.wasNull();
        long bornDownloaded = stored.getLong(13);
        PeerState state = entry.state;
        if (!bornKnown || bornMillis <= state.lastAnnounceMillis()) {
            return new HistoryDelta();
        }
        PeerState firstSight = new PeerState(state.userId(), state.peerId(), null, null, null, bornUploaded,
                bornDownloaded, stored.getLong(6), false, null, bornMillis, bornMillis, true, false, false);
        HistoryDelta credit = new HistoryDelta();
        credit.add(entry.credit);
        credit.add(recorder.credit(key.torrentId(), LedgerRecorder.Before.of(state), firstSight, entry.grant,
                seeders(key.torrentId())));
        return credit;
    }

    /**
     * The seeders a credit computed again at the flush weighs its seed points by: the swarm's now, its announce's
     * own count being gone.
     */
    private int seeders(long torrentId) {
        Swarm swarm = swarms.find(torrentId);
        return swarm == null ? 1 : Math.max(1, swarm.counts().seeders());
    }

    /** Prepares one of the set-based statements: each column one SQL array of its type, in the statement's order. */
    private static <R> PreparedStatement prepareRows(Connection connection, String sql, List<ArrayColumn<R>> columns,
                                                     List<R> rows) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int column = 0; column < columns.size(); column++) {
                ArrayColumn<R> spec = columns.get(column);
                Object[] values = (Object[]) java.lang.reflect.Array.newInstance(spec.javaType(), rows.size());
                for (int row = 0; row < values.length; row++) {
                    values[row] = spec.value().apply(rows.get(row));
                }
                statement.setArray(column + 1, connection.createArrayOf(spec.sqlType(), values));
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    /** Runs one of the set-based writes (pgjdbc sends typed arrays in binary). */
    private static <R> void writeRows(Connection connection, String sql, List<ArrayColumn<R>> columns, List<R> rows)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement write = prepareRows(connection, sql, columns, rows)) {
            write.executeUpdate();
        }
    }

    /** History first (it creates the rows snatches update), then users in id order to avoid deadlocks between nodes. */
    private void writeHistoryAndUsers(Connection connection, Map<HistoryKey, HistoryDelta> history)
            throws SQLException {
        Map<Long, HistoryDelta> userCredit = new TreeMap<>();
        List<Map.Entry<HistoryKey, HistoryDelta>> entries = new ArrayList<>(history.entrySet());
        entries.sort(Comparator.comparingLong((Map.Entry<HistoryKey, HistoryDelta> e) -> e.getKey().userId())
                .thenComparingLong(e -> e.getKey().torrentId()));
        if (!entries.isEmpty()) {
            try (PreparedStatement write = prepareRows(connection, UPSERT_HISTORY, HISTORY_COLUMNS, entries);
                 ResultSet written = write.executeQuery()) {
                payPoints(connection, history, written);
            }
        }
        for (Map.Entry<HistoryKey, HistoryDelta> entry : entries) {
            HistoryDelta delta = entry.getValue();
            if (delta.uploaded != 0 || delta.downloaded != 0 || delta.rawUploaded != 0 || delta.rawDownloaded != 0
                    || delta.earnedMicroPoints != 0) {
                userCredit.computeIfAbsent(entry.getKey().userId(), id -> new HistoryDelta()).add(delta);
            }
        }
        if (userCredit.isEmpty()) {
            return;
        }
        try (PreparedStatement lock = connection.prepareStatement(LOCK_USERS)) {
            lock.setArray(1, connection.createArrayOf("bigint", userCredit.keySet().toArray(Long[]::new)));
            lock.executeQuery().close();
        }
        writeRows(connection, CREDIT_USERS, USER_CREDIT_COLUMNS, new ArrayList<>(userCredit.entrySet()));
    }

    /**
     * Works out the seed points of each user×torrent from the seed time its row held before this flush (the
     * rows {@link #UPSERT_HISTORY} returns, with this flush's seed time added) and pays them on the same rows.
     */
    private void payPoints(Connection connection, Map<HistoryKey, HistoryDelta> history, ResultSet written)
            throws SQLException {
        List<Map.Entry<HistoryKey, HistoryDelta>> earning = new ArrayList<>();
        while (written.next()) {
            HistoryKey key = new HistoryKey(written.getLong(1), written.getLong(2));
            HistoryDelta delta = history.get(key);
            if (delta.flatPoints > 0 || delta.pointsPerSeniority > 0 || delta.hoursByRule != null) {
                long seedMillisBefore = Math.max(0, written.getLong(3) - delta.seedMillis);
                double points = delta.flatPoints
                        + delta.pointsPerSeniority * SeedPointRates.seniority(seedMillisBefore);
                for (int rule = 0; delta.hoursByRule != null && rule < delta.hoursByRule.length; rule++) {
                    if (delta.hoursByRule[rule] > 0) {
                        points += delta.hoursByRule[rule] * rates.rulePointsPerHour(rule, seedMillisBefore);
                    }
                }
                delta.earnedMicroPoints = Math.round(points * SeedPointRates.MICROS);
                if (delta.earnedMicroPoints > 0) {
                    earning.add(Map.entry(key, delta));
                }
            }
        }
        writeRows(connection, PAY_SEED_POINTS, List.of(bigint(row -> row.getKey().userId()),
                bigint(row -> row.getKey().torrentId()), bigint(row -> row.getValue().earnedMicroPoints)), earning);
    }

    /**
     * Records the snatches the batch's downloads completed. Returns the new snatch count of each torrent that gained
     * one; torrents are updated in id order, the order in which their rows are locked, so that two nodes cannot
     * deadlock on them.
     */
    private Map<Long, Long> writeSnatches(Connection connection, Map<HistoryKey, HistoryDelta> history)
            throws SQLException {
        List<HistoryKey> downloading = history.entrySet().stream()
                .filter(entry -> entry.getValue().rawDownloaded > 0).map(Map.Entry::getKey).toList();
        Map<Long, Long> counts = new TreeMap<>();
        if (downloading.isEmpty()) {
            return counts;
        }
        Map<Long, Integer> gained = new TreeMap<>();
        try (PreparedStatement snatch = prepareRows(connection, RECORD_SNATCHES, List.of(
                bigint(HistoryKey::userId), bigint(HistoryKey::torrentId)), downloading)) {
            snatch.setDouble(3, snatchShare);
            try (ResultSet rows = snatch.executeQuery()) {
                while (rows.next()) {
                    gained.merge(rows.getLong(1), 1, Integer::sum);
                }
            }
        }
        try (PreparedStatement count = connection.prepareStatement(COUNT_SNATCHES)) {
            for (Map.Entry<Long, Integer> torrent : gained.entrySet()) {
                count.setInt(1, torrent.getValue());
                count.setLong(2, torrent.getKey());
                try (ResultSet rows = count.executeQuery()) {
                    if (rows.next()) {
                        counts.put(torrent.getKey(), rows.getLong(1));
                    }
                }
            }
        }
        return counts;
    }

    /** Keeps each user's rows per torrent bounded where this batch added some ({@link #FORGET_SURPLUS_PEERS}). */
    private static void forgetSurplusPeers(Connection connection, LedgerBatch batch) throws SQLException {
        List<HistoryKey> grown = batch.peers.entrySet().stream().filter(entry -> entry.getValue().baseline == null)
                .map(entry -> new HistoryKey(entry.getKey().userId(), entry.getKey().torrentId())).distinct().toList();
        if (grown.isEmpty()) {
            return;
        }
        try (PreparedStatement forget = prepareRows(connection, FORGET_SURPLUS_PEERS, List.of(
                bigint(HistoryKey::torrentId), bigint(HistoryKey::userId)), grown)) {
            forget.setInt(3, Swarm.MAX_STORED_PEERS_PER_USER);
            forget.executeUpdate();
        }
    }
}
