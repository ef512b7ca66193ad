package org.swarmkeeper.policy;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Freeleech tokens: a user holds a balance ({@code users.freeleech_tokens}) and spends one on a torrent, which
 * makes that user×torrent freeleech from then on.
 */
@Component
public class FreeleechTokens implements SmartInitializingSingleton {

    public enum Spend { SPENT, NONE_LEFT, ALREADY_SPENT }

    private record Key(long userId, long torrentId) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Set<Key> spent = ConcurrentHashMap.newKeySet();

    FreeleechTokens(JdbcTemplate jdbc, TransactionTemplate transactions, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
    }

    @Override
    public void afterSingletonsInstantiated() {
        reload();
    }

    /** Reads the spent tokens again; also called when another node or SQL changed them. */
    public void reload() {
        Set<Key> loaded = new HashSet<>();
        jdbc.query("SELECT user_id, torrent_id FROM freeleech_tokens",
                rs -> { loaded.add(new Key(rs.getLong(1), rs.getLong(2))); });
        spent.addAll(loaded);
        spent.retainAll(loaded);
    }

    boolean spentOn(long userId, long torrentId) {
        return !spent.isEmpty() && spent.contains(new Key(userId, torrentId));
    }

    /** Sets a user's balance; false when there is no such user. */
    public boolean grant(long userId, int balance) {
        return jdbc.update("UPDATE users SET freeleech_tokens = ?, updated_at = now() WHERE id = ?", balance, userId) == 1;
    }

    /** Spends one of the user's tokens on a torrent, in one transaction with the balance. */
    public Spend spend(long userId, long torrentId) {
        Spend result = transactions.execute(status -> {
            if (jdbc.update("""
                    INSERT INTO freeleech_tokens (user_id, torrent_id, spent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING""",
                    userId, torrentId, Timestamp.from(clock.instant())) == 0) {
                return Spend.ALREADY_SPENT;
            }
            if (jdbc.update("UPDATE users SET freeleech_tokens = freeleech_tokens - 1 WHERE id = ? AND freeleech_tokens > 0",
                    userId) == 0) {
                status.setRollbackOnly();
                return Spend.NONE_LEFT;
            }
            return Spend.SPENT;
        });
        if (result == Spend.SPENT) {
            spent.add(new Key(userId, torrentId));
        }
        return result;
    }
}
