package org.swarmkeeper.admin;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.swarmkeeper.admin.Paging.Page;

/**
 * The admin lists over users: a read-only query joining what several modules write (accounts, standings,
 * hit-and-runs, cheat flags, history), so that a list page is one SQL statement rather than one call per user.
 * It reads the policy module's tables as their migrations define them: {@code hit_and_runs.state = 'struck'}
 * is an active strike ({@code HitAndRuns}), {@code policy_events.rule = 'cheat'} a cheat flag
 * ({@code CheatDetector}), {@code count} times over; {@code AdminListsTest} fails if either changes.
 */
@Component
class UserListing {

    static final Set<String> USER_SORT_KEYS = Set.of("name", "ratio", "uploaded", "downloaded", "created");
    static final Set<String> HISTORY_SORT_KEYS = Set.of("lastSeen", "uploaded", "downloaded", "name");

    /** {@code ratio} is {@code null} while nothing was downloaded. */
    record UserRow(long id, String name, long uploaded, long downloaded, Double ratio, boolean enabled,
                   boolean canLeech, boolean onWatch, int activeStrikes, long cheatFlags, Instant createdAt) {
    }

    /** One user's record on one torrent: credited, raw and withheld totals, time spent seeding and leeching. */
    record HistoryRow(long torrentId, String infoHash, String name, long uploaded, long downloaded,
                      long rawUploaded, long rawDownloaded, long withheldUploaded, long seedTimeSeconds, long leechTimeSeconds,
                      Instant completedAt, Instant firstSeen, Instant lastSeen) {
    }

    /** Filters of the user list; {@code null} leaves a filter out. */
    record UserFilter(String search, Boolean onWatch, Boolean flagged, Boolean struck) {
    }

    private static final String STRUCK = "EXISTS (SELECT 1 FROM hit_and_runs h WHERE h.user_id = u.id AND h.state = 'struck')";
    private static final String FLAGGED = "EXISTS (SELECT 1 FROM policy_events e WHERE e.user_id = u.id AND e.rule = 'cheat')";
    /** Users who downloaded nothing have an infinite ratio: last when ascending, first when descending. */
    private static final String RATIO = "CASE WHEN u.downloaded = 0 THEN 'Infinity'::float8 "
            + "ELSE u.uploaded::float8 / u.downloaded END";
    private static final Map<String, String> USER_ORDER = Map.of("name", "u.name", "ratio", RATIO,
            "uploaded", "u.uploaded", "downloaded", "u.downloaded", "created", "u.id");
    private static final Map<String, String> HISTORY_ORDER = Map.of("lastSeen", "h.last_seen",
            "uploaded", "h.uploaded", "downloaded", "h.downloaded", "name", "t.name");

    private final JdbcClient jdbc;

    UserListing(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Page<UserRow> users(UserFilter filter, Paging paging) {
        List<String> where = new ArrayList<>(List.of("true"));
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (filter.search() != null && !filter.search().isBlank()) {
            where.add("u.name ILIKE :pattern ESCAPE '\\'");
            parameters.put("pattern", "%" + filter.search().replaceAll("([\\\\%_])", "\\\\$1") + "%");
        }
        if (filter.onWatch() != null) {
            where.add((filter.onWatch() ? "" : "NOT ") + "s.watch_started_at IS NOT NULL");
        }
        if (filter.struck() != null) {
            where.add((filter.struck() ? "" : "NOT ") + STRUCK);
        }
        if (filter.flagged() != null) {
            where.add((filter.flagged() ? "" : "NOT ") + FLAGGED);
        }
        String from = "users u LEFT JOIN user_standing s ON s.user_id = u.id WHERE " + String.join(" AND ", where);
        String columns = """
                u.id, u.name, u.uploaded, u.downloaded, u.enabled, u.can_leech, u.created_at,
                s.watch_started_at IS NOT NULL AS on_watch,
                (SELECT count(*) FROM hit_and_runs h WHERE h.user_id = u.id AND h.state = 'struck') AS strikes,
                (SELECT coalesce(sum(e.count), 0) FROM policy_events e WHERE e.user_id = u.id AND e.rule = 'cheat')
                    AS flags""";
        return page(columns, from, USER_ORDER.get(paging.sortKey()) + direction(paging) + ", u.id", parameters, paging,
                (rs, i) -> {
                    long downloaded = rs.getLong("downloaded");
                    return new UserRow(rs.getLong("id"), rs.getString("name"), rs.getLong("uploaded"), downloaded,
                            downloaded == 0 ? null : (double) rs.getLong("uploaded") / downloaded,
                            rs.getBoolean("enabled"), rs.getBoolean("can_leech"), rs.getBoolean("on_watch"),
                            rs.getInt("strikes"), rs.getLong("flags"), instant(rs, "created_at"));
                });
    }

    /**
     * One page of {@code SELECT columns FROM from} in the given order, with the total of all matching rows (read
     * from the page's rows, or counted apart when the page is past the end and has none).
     */
    private <T> Page<T> page(String columns, String from, String order, Map<String, Object> parameters,
                             Paging paging, RowMapper<T> rows) {
        Map<String, Object> withPage = new LinkedHashMap<>(parameters);
        withPage.put("limit", paging.size());
        withPage.put("offset", paging.offset());
        long[] total = {0};
        List<T> items = jdbc.sql("SELECT " + columns + ", count(*) OVER () AS total FROM " + from + " ORDER BY "
                + order + " LIMIT :limit OFFSET :offset").params(withPage).query((rs, i) -> {
                    total[0] = rs.getLong("total");
                    return rows.mapRow(rs, i);
                }).list();
        if (items.isEmpty()) {
            total[0] = jdbc.sql("SELECT count(*) FROM " + from).params(parameters).query(Long.class).single();
        }
        return paging.page(items, total[0]);
    }

    Page<HistoryRow> history(long userId, Paging paging) {
        return page("h.*, t.info_hash, t.name",
                "user_torrent_history h JOIN torrents t ON t.id = h.torrent_id WHERE h.user_id = :user",
                HISTORY_ORDER.get(paging.sortKey()) + direction(paging) + ", h.torrent_id", Map.of("user", userId),
                paging, (rs, i) -> new HistoryRow(rs.getLong("torrent_id"),
                        HexFormat.of().formatHex(rs.getBytes("info_hash")), rs.getString("name"),
                        rs.getLong("uploaded"), rs.getLong("downloaded"), rs.getLong("raw_uploaded"),
                        rs.getLong("raw_downloaded"), rs.getLong("withheld_uploaded"), rs.getLong("seed_time_ms") / 1000,
                        rs.getLong("leech_time_ms") / 1000, instant(rs, "completed_at"), instant(rs, "first_seen"),
                        instant(rs, "last_seen")));
    }

    private static String direction(Paging paging) {
        return paging.descending() ? " DESC" : " ASC";
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
