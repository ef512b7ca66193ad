package org.swarmkeeper.economy;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.swarmkeeper.accounting.SeedPointRates;

/**
 * Users' seed points: the balance, what each torrent earned, and the spends. Points are stored in millionths;
 * the API shows them as decimals.
 */
@Component
public class Points {

    /** What one torrent earned a user, with the seed time that earned it. */
    public record Earned(long torrentId, String name, BigDecimal points, long seedTimeMillis) {
    }

    /** One spend: what was bought, how many, at what price in all, the balance it left, by whom and when. */
    public record Spend(long id, String item, int quantity, BigDecimal price, BigDecimal balanceAfter, String spentBy,
                        Instant spentAt) {
    }

    private final JdbcTemplate jdbc;

    Points(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Millionths of a point as points, six decimals. */
    public static BigDecimal points(long micros) {
        return BigDecimal.valueOf(micros, 6);
    }

    /** Whole points in millionths, rounded to the nearest. */
    public static long micros(double points) {
        return Math.round(points * SeedPointRates.MICROS);
    }

    /** The user's balance, empty when there is no such user. */
    public Optional<BigDecimal> balance(long userId) {
        return jdbc.queryForList("SELECT seed_points FROM users WHERE id = ?", Long.class, userId).stream()
                .findFirst().map(Points::points);
    }

    /** The torrents that earned the user most, most first. */
    public List<Earned> earned(long userId, int limit) {
        return jdbc.query("""
                SELECT h.torrent_id, t.name, h.seed_points, h.seed_time_ms FROM user_torrent_history h
                JOIN torrents t ON t.id = h.torrent_id
                WHERE h.user_id = ? AND h.seed_points > 0 ORDER BY h.seed_points DESC, h.torrent_id LIMIT ?""",
                (rs, n) -> new Earned(rs.getLong(1), rs.getString(2), points(rs.getLong(3)), rs.getLong(4)),
                userId, limit);
    }

    /** The user's spends, newest first. */
    public List<Spend> spends(long userId, int limit) {
        return jdbc.query("""
                SELECT id, item, quantity, price, balance_after, spent_by, spent_at FROM point_spends
                WHERE user_id = ? ORDER BY id DESC LIMIT ?""",
                (rs, n) -> new Spend(rs.getLong(1), rs.getString(2), rs.getInt(3), points(rs.getLong(4)),
                        points(rs.getLong(5)), rs.getString(6), rs.getTimestamp(7).toInstant()),
                userId, limit);
    }

    /**
     * Takes {@code priceMicros} from the user's balance and records the spend, inside the caller's transaction.
     * Returns the balance left, or empty when the balance is short (nothing changed). The row lock of the update
     * makes concurrent spends wait for each other: a balance never goes below zero.
     */
    public Optional<Long> debit(long userId, String item, int quantity, long priceMicros, String spentBy, Instant at) {
        List<Long> left = jdbc.queryForList("""
                UPDATE users SET seed_points = seed_points - ?, updated_at = now()
                WHERE id = ? AND seed_points >= ? RETURNING seed_points""", Long.class, priceMicros, userId,
                priceMicros);
        if (left.isEmpty()) {
            return Optional.empty();
        }
        jdbc.update("""
                INSERT INTO point_spends (user_id, item, quantity, price, balance_after, spent_by, spent_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)""", userId, item, quantity, priceMicros, left.get(0), spentBy,
                Timestamp.from(at));
        return Optional.of(left.get(0));
    }
}
