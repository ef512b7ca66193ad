package org.swarmkeeper.policy;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.swarmkeeper.economy.EconomyProperties;
import org.swarmkeeper.economy.Points;
import org.swarmkeeper.users.UserDirectory;

/**
 * Spending seed points on the price list ({@code tracker.economy.prices}): the debit, what it buys and the user's
 * event commit together, or none of them does.
 */
@Component
public class PointPurchases {

    static final String RULE = "points";
    private static final long GIB = 1L << 30;

    /** What points buy; {@code quantity} counts GiB, tokens, days or strikes. */
    public enum Item {
        UPLOAD("upload"), FREELEECH_TOKEN("freeleech-token"), PERSONAL_FREELEECH("personal-freeleech"),
        HIT_AND_RUN_STRIKE("hit-and-run-strike");

        private final String code;

        Item(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static Optional<Item> of(String code) {
            return Arrays.stream(values()).filter(item -> item.code.equals(code)).findFirst();
        }
    }

    /** How a purchase ended: bought (the balance left), short of points, or not possible (why). */
    public sealed interface Outcome {
        record Bought(BigDecimal balance) implements Outcome {
        }

        record Short(BigDecimal balance, BigDecimal price) implements Outcome {
        }

        record Refused(String reason) implements Outcome {
        }
    }

    private final Points points;
    private final EconomyProperties.Prices prices;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final PolicyEvents events;
    private final UserDirectory users;
    private final Clock clock;

    PointPurchases(Points points, EconomyProperties economy, JdbcTemplate jdbc, TransactionTemplate transactions,
                   PolicyEvents events, UserDirectory users, Clock clock) {
        this.points = points;
        this.prices = economy.prices();
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.events = events;
        this.users = users;
        this.clock = clock;
    }

    /** The price of one unit of each item, in points; 0: not for sale. */
    public double unitPrice(Item item) {
        return switch (item) {
            case UPLOAD -> prices.upload();
            case FREELEECH_TOKEN -> prices.freeleechToken();
            case PERSONAL_FREELEECH -> prices.personalFreeleech();
            case HIT_AND_RUN_STRIKE -> prices.hitAndRunStrike();
        };
    }

    /** Spends {@code userId}'s points on {@code quantity} of {@code item}, for {@code spentBy} (staff's name). */
    public Outcome buy(long userId, Item item, int quantity, String spentBy) {
        if (unitPrice(item) == 0) {
            return new Outcome.Refused(item.code() + " is not for sale");
        }
        long price = Points.micros(unitPrice(item) * quantity);
        if (price <= 0) {
            return new Outcome.Refused(item.code() + " is not for sale");
        }
        Instant now = clock.instant();
        events.flush(); // what announces logged so far comes before this spend in the log
        Outcome outcome = transactions.execute(status -> {
            if (item == Item.HIT_AND_RUN_STRIKE) { // after the evaluation, which locks strikes and then users
                jdbc.queryForObject("SELECT pg_advisory_xact_lock(?)::text", String.class,
                        ScheduledRules.EVALUATION_LOCK);
            }
            Optional<Long> left = points.debit(userId, item.code(), quantity, price, spentBy, now);
            if (left.isEmpty()) {
                status.setRollbackOnly();
                return new Outcome.Short(points.balance(userId).orElse(BigDecimal.ZERO), Points.points(price));
            }
            String refused = deliver(userId, item, quantity, now);
            if (refused != null) {
                status.setRollbackOnly();
                return new Outcome.Refused(refused);
            }
            events.recordNow(userId, null, new Decision(RULE, "spent", item.code(), "spent "
                    + Points.points(price).stripTrailingZeros().toPlainString() + " points on " + quantity + " × "
                    + item.code() + "; " + Points.points(left.get()).stripTrailingZeros().toPlainString() + " left"),
                    now);
            return new Outcome.Bought(Points.points(left.get()));
        });
        if (outcome instanceof Outcome.Bought && item == Item.PERSONAL_FREELEECH) {
            users.refresh(userId);
        }
        return outcome;
    }

    /** Gives what was paid for; a reason when it cannot be had (the transaction then rolls back). */
    private String deliver(long userId, Item item, int quantity, Instant now) {
        switch (item) {
            case UPLOAD -> jdbc.update("UPDATE users SET uploaded = saturated_add(uploaded, ?) WHERE id = ?",
                    (long) quantity * GIB, userId);
            case FREELEECH_TOKEN -> {
                if (jdbc.update("UPDATE users SET freeleech_tokens = freeleech_tokens + ? WHERE id = ? "
                        + "AND freeleech_tokens <= 1000000 - ?", quantity, userId, quantity) == 0) {
                    return "a user holds at most 1000000 freeleech tokens";
                }
            }
            case PERSONAL_FREELEECH -> jdbc.update("""
                    UPDATE users SET personal_freeleech_until = GREATEST(personal_freeleech_until, ?) + ? * interval '1 day'
                    WHERE id = ?""", Timestamp.from(now), quantity, userId);
            case HIT_AND_RUN_STRIKE -> {
                int removed = jdbc.update("""
                        UPDATE hit_and_runs SET state = 'cleared', resolved_at = ?
                        WHERE (user_id, torrent_id) IN (SELECT user_id, torrent_id FROM hit_and_runs
                                                        WHERE user_id = ? AND state = 'struck'
                                                        ORDER BY struck_at, torrent_id LIMIT ? FOR UPDATE)""",
                        Timestamp.from(now), userId, quantity);
                if (removed < quantity) {
                    return "the user has " + removed + " active hit-and-run strike" + (removed == 1 ? "" : "s")
                            + ", fewer than " + quantity;
                }
            }
        }
        return null;
    }
}
