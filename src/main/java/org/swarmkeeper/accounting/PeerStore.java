package org.swarmkeeper.accounting;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.swarmkeeper.protocol.PeerAddresses;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.swarm.PeerLoader;
import org.swarmkeeper.swarm.PeerState;
import org.swarmkeeper.swarm.SwarmProperties;

/**
 * The peers table outside the flush: reads recorded peers back into the swarms (start-up, swarm miss),
 * forgets peers past retention, and answers per-user peer counts.
 */
@Component
public class PeerStore implements PeerLoader {

    /** Per-user counts of peers in the peer lists, as of the last flush. */
    public record ActivePeers(long seeding, long leeching) {
    }

    private final JdbcTemplate jdbc;
    private final SwarmProperties properties;
    private final Clock clock;

    PeerStore(JdbcTemplate jdbc, SwarmProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
    }

    /** Marks peers silent past the timeout inactive (a crash kept them active), then reads all recent ones. */
    @Override
    public int loadAll(RecordedPeerSink sink) {
        jdbc.update("UPDATE peers SET active = false WHERE active AND last_announce < ?", timeoutStart());
        return readPeers("TRUE", sink);
    }

    @Override
    public List<PeerState> load(long torrentId) {
        jdbc.update("UPDATE peers SET active = false WHERE torrent_id = ? AND active AND last_announce < ?",
                torrentId, timeoutStart());
        List<PeerState> peers = new ArrayList<>();
        readPeers("p.torrent_id = " + torrentId, (torrent, peer, snatches) -> peers.add(peer));
        return peers;
    }

    /** By default hourly: it reads the whole table (no index on last_announce, so that the ledger's updates stay HOT). */
    @Scheduled(fixedDelayString = "${tracker.swarm.retention-check-interval:1h}")
    public void forgetRetiredPeers() {
        jdbc.update("DELETE FROM peers WHERE NOT active AND last_announce < ?", retentionStart());
    }

    public ActivePeers activePeers(long userId) {
        return jdbc.queryForObject("""
                SELECT count(*) FILTER (WHERE seeding) AS seeding,
                       count(*) FILTER (WHERE NOT seeding AND NOT partial_seed) AS leeching
                FROM peers WHERE user_id = ? AND active
                """, (rs, row) -> new ActivePeers(rs.getLong("seeding"), rs.getLong("leeching")), userId);
    }

    private Timestamp timeoutStart() {
        return new Timestamp(clock.millis() - properties.peerTimeout().toMillis());
    }

    private Timestamp retentionStart() {
        return new Timestamp(clock.millis() - properties.peerRetention().toMillis());
    }

    /**
     * Streams the recorded peers matching {@code condition} (SQL over numbers only) within the retention period
     * through a binary COPY: a million rows never sit in memory at once, and none is parsed from text.
     */
    int readPeers(String condition, RecordedPeerSink sink) {
        String copy = String.format(Locale.ROOT, """
                COPY (SELECT p.torrent_id, p.user_id, p.peer_id, p.peer_key, p.ipv4, p.port4, p.ipv6, p.port6,
                             p.uploaded, p.downloaded, p.bytes_left, p.partial_seed, p.user_agent,
                             p.first_announce, p.last_announce, p.active, p.stopped, t.snatches
                      FROM peers p JOIN torrents t ON t.id = p.torrent_id
                      WHERE %s AND p.last_announce >= to_timestamp(%d / 1000.0))
                TO STDOUT (FORMAT binary)
                """, condition, retentionStart().getTime());
        return jdbc.execute((Connection connection) -> {
            CopyOut data = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(copy);
            try {
                BinaryCopyReader rows = new BinaryCopyReader(data);
                int read = 0;
                while (rows.next(18)) {
                    long torrentId = rows.int8();
                    PeerState peer = peer(rows);
                    long snatches = rows.int8();
                    sink.accept(torrentId, peer, snatches);
                    read++;
                }
                rows.finish();
                return read;
            } catch (IOException | RuntimeException e) {
                SQLException failure = new SQLException("unreadable recorded peers: " + e.getMessage(), e);
                discard(connection, data, failure);
                throw failure;
            }
        });
    }

    /**
     * Reads what is left of a COPY given up half-way, so that the connection goes back to the pool usable:
     * pgjdbc's {@code cancelCopy} would leave the rest of the data unread on the socket for its next user. A
     * connection that cannot be drained is aborted.
     */
    private static void discard(Connection connection, CopyOut data, SQLException failure) {
        try {
            while (data.isActive() && data.readFromCopy() != null) {
                // rows nobody will use
            }
        } catch (SQLException e) {
            failure.addSuppressed(e);
            try {
                connection.abort(Runnable::run);
            } catch (SQLException abortFailure) {
                failure.addSuppressed(abortFailure);
            }
        }
    }

    /** The peer's columns of a row of {@link #readPeers}, in their order. */
    private static PeerState peer(BinaryCopyReader row) throws IOException {
        long userId = row.int8();
        PeerId peerId = PeerId.of(row.bytes());
        byte[] key = row.bytes();
        byte[] compactV4 = endpoint(row, 4);
        byte[] compactV6 = endpoint(row, 16);
        return new PeerState(userId, peerId, key, compactV4, compactV6,
                row.int8(), row.int8(), row.int8(), row.bool(), PeerState.canonicalUserAgent(row.text()),
                row.timestampMillis(), row.timestampMillis(), row.bool(), row.bool(), compactV4 == null);
    }

    /**
     * An inet column and its port column. An address of the other family (a site's own SQL could write one)
     * counts as none: the peer keeps its baseline, and its next announce brings its endpoint back.
     */
    private static byte[] endpoint(BinaryCopyReader row, int addressBytes) throws IOException {
        byte[] address = row.inetAddress();
        if (address == null) {
            row.bytes(); // the port is null too
            return null;
        }
        int port = row.int4();
        return address.length == addressBytes ? PeerAddresses.compact(address, port) : null;
    }
}
