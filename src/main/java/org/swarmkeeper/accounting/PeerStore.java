package org.swarmkeeper.accounting;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;

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
        // Streamed in chunks (a cursor needs a transaction): a million rows never sit in memory at once.
        return jdbc.execute((Connection connection) -> {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement query = connection.prepareStatement("""
                    SELECT p.*, t.snatches FROM peers p JOIN torrents t ON t.id = p.torrent_id
                    WHERE p.last_announce >= ?
                    """)) {
                query.setFetchSize(10_000);
                query.setTimestamp(1, retentionStart());
                int loaded = 0;
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(peer(rs), rs.getLong("snatches"));
                        loaded++;
                    }
                }
                connection.commit();
                return loaded;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        });
    }

    @Override
    public List<PeerState> load(long torrentId) {
        jdbc.update("UPDATE peers SET active = false WHERE torrent_id = ? AND active AND last_announce < ?",
                torrentId, timeoutStart());
        return jdbc.query("SELECT * FROM peers WHERE torrent_id = ? AND last_announce >= ?",
                (rs, row) -> peer(rs), torrentId, retentionStart());
    }

    /** Hourly: it reads the whole table (no index on last_announce, so that the ledger's updates stay HOT). */
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

    private static PeerState peer(ResultSet rs) throws SQLException {
        return new PeerState(rs.getLong("torrent_id"), rs.getLong("user_id"), PeerId.of(rs.getBytes("peer_id")),
                rs.getBytes("peer_key"), endpoint(rs, "ipv4", "port4"), endpoint(rs, "ipv6", "port6"),
                rs.getLong("uploaded"), rs.getLong("downloaded"), rs.getLong("bytes_left"),
                rs.getBoolean("partial_seed"), PeerState.canonicalUserAgent(rs.getString("user_agent")),
                rs.getTimestamp("first_announce").getTime(), rs.getTimestamp("last_announce").getTime(),
                rs.getBoolean("active"), rs.getString("ipv4") == null);
    }

    private static byte[] endpoint(ResultSet rs, String ipColumn, String portColumn) throws SQLException {
        String ip = rs.getString(ipColumn);
        if (ip == null) {
            return null;
        }
        int slash = ip.indexOf('/');
        try {
            // A literal address: no name lookup happens.
            InetAddress address = InetAddress.getByName(slash < 0 ? ip : ip.substring(0, slash));
            return PeerAddresses.compact(address, rs.getInt(portColumn));
        } catch (UnknownHostException e) {
            throw new SQLException("unreadable address " + ip, e);
        }
    }
}
