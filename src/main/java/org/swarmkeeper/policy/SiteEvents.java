package org.swarmkeeper.policy;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;

/**
 * Site-wide credit events (global freeleech, double upload) between a start and an end, in
 * {@code site_events}. A factor left out ({@code null}) leaves the torrents' own factor alone.
 */
@Component
public class SiteEvents implements SmartInitializingSingleton {

    public record SiteEvent(long id, String name, Double downloadFactor, Double uploadFactor, Instant startsAt,
                            Instant endsAt) {

        boolean activeAt(long millis) {
            return startsAt.toEpochMilli() <= millis && millis < endsAt.toEpochMilli();
        }
    }

    private final JdbcTemplate jdbc;
    private volatile List<SiteEvent> events = List.of();

    SiteEvents(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void afterSingletonsInstantiated() {
        reload();
    }

    public List<SiteEvent> events() {
        return events;
    }

    public synchronized SiteEvent add(String name, Double downloadFactor, Double uploadFactor, Instant startsAt,
                                      Instant endsAt) {
        GeneratedKeyHolder key = new GeneratedKeyHolder();
        jdbc.update(connection -> {
            var insert = connection.prepareStatement("""
                    INSERT INTO site_events (name, download_factor, upload_factor, starts_at, ends_at)
                    VALUES (?, ?, ?, ?, ?)""", new String[] {"id"});
            insert.setString(1, name);
            insert.setObject(2, downloadFactor);
            insert.setObject(3, uploadFactor);
            insert.setTimestamp(4, Timestamp.from(startsAt));
            insert.setTimestamp(5, Timestamp.from(endsAt));
            return insert;
        }, key);
        reload();
        return new SiteEvent(key.getKey().longValue(), name, downloadFactor, uploadFactor, startsAt, endsAt);
    }

    public synchronized boolean remove(long id) {
        boolean removed = jdbc.update("DELETE FROM site_events WHERE id = ?", id) == 1;
        reload();
        return removed;
    }

    /** Reads the list again; also called when another node or SQL changed it. */
    public void reload() {
        events = jdbc.query("""
                SELECT id, name, download_factor, upload_factor, starts_at, ends_at FROM site_events ORDER BY starts_at""",
                (rs, i) -> new SiteEvent(rs.getLong(1), rs.getString(2), (Double) rs.getObject(3), (Double) rs.getObject(4),
                        rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant()));
    }
}
