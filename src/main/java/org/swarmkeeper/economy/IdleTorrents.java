package org.swarmkeeper.economy;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.swarmkeeper.swarm.SwarmProperties;

/**
 * Torrents older than {@code idle-after} that nobody leeched for that long, read from PostgreSQL's peers (so
 * every node sees the same) when the tracker starts and every {@code idle-check-interval}.
 */
@Component
public class IdleTorrents implements SmartInitializingSingleton {

    private static final String IDLE = """
            SELECT t.id FROM torrents t
            WHERE t.created_at < ? AND t.deleted_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM peers p WHERE p.torrent_id = t.id AND p.bytes_left > 0
                                                      AND NOT p.partial_seed AND p.last_announce >= ?)""";

    private static final Logger log = LoggerFactory.getLogger(IdleTorrents.class);

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final long idleAfterMillis;
    private volatile Set<Long> idle = Set.of();

    IdleTorrents(JdbcTemplate jdbc, Clock clock, EconomyProperties properties, SwarmProperties swarm) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.idleAfterMillis = properties.seedPoints().idleAfter().toMillis();
        if (properties.seedPoints().idleAfter().compareTo(swarm.peerRetention()) > 0) {
            throw new IllegalArgumentException("tracker.economy.seed-points.idle-after ("
                    + properties.seedPoints().idleAfter() + ") must not exceed tracker.swarm.peer-retention ("
                    + swarm.peerRetention() + "): older leechers are forgotten");
        }
    }

    @Override
    public void afterSingletonsInstantiated() {
        refresh();
    }

    @Scheduled(fixedDelayString = "${tracker.economy.seed-points.idle-check-interval:10m}",
            initialDelayString = "${tracker.economy.seed-points.idle-check-interval:10m}")
    void scheduledRefresh() {
        try {
            refresh();
        } catch (DataAccessException e) { // PostgreSQL away: the last answer stands until the next check
            log.warn("Could not look for idle torrents: {}", e.toString());
        }
    }

    /** Looks for idle torrents again. */
    public void refresh() {
        Timestamp cutoff = new Timestamp(clock.millis() - idleAfterMillis);
        idle = Set.copyOf(jdbc.queryForList(IDLE, Long.class, cutoff, cutoff));
    }

    boolean isIdle(long torrentId) {
        return !idle.isEmpty() && idle.contains(torrentId);
    }
}
