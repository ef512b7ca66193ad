package org.swarmkeeper.policy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.swarmkeeper.economy.UserClasses;
import org.swarmkeeper.users.UserAccount;

/**
 * Who may leech, as the announce path sees it: staff's switch ({@code canLeech}), rights taken by the ratio
 * watch, and rights taken by hit-and-run strikes (except on the torrents the strikes are for, so the user can
 * fetch them again to seed). Reloaded from PostgreSQL after every evaluation of the scheduled rules.
 */
@Component
public class LeechRights implements SmartInitializingSingleton {

    static final String RULE = "leech_rights";

    /** Rights taken by the ratio watch, with the numbers of the evaluation that took them. */
    record RatioRevocation(double ratio, double required) {
    }

    /** A user's active strikes and the torrents they are for. */
    record Strikes(int active, Set<Long> torrents) {
    }

    private final JdbcTemplate jdbc;
    /** A template rather than @Transactional: a proxied bean would pay a reflective call on every leeching announce. */
    private final TransactionTemplate transaction;
    private final PolicyEvents events;
    private final int strikeLimit;
    private volatile Map<Long, RatioRevocation> ratioRevoked = Map.of();
    private volatile Map<Long, Strikes> strikes = Map.of();

    private final UserClasses classes;

    LeechRights(JdbcTemplate jdbc, PlatformTransactionManager transactions, PolicyEvents events,
                PolicyProperties properties, UserClasses classes) {
        this.jdbc = jdbc;
        this.classes = classes;
        this.transaction = new TransactionTemplate(transactions);
        this.events = events;
        this.strikeLimit = properties.hitAndRun().strikeLimit();
    }

    @Override
    public void afterSingletonsInstantiated() {
        reload();
    }

    /** Synchronized: each caller reloads after its own commit, so the last reload sees every commit before it. */
    public synchronized void reload() {
        Map<Long, RatioRevocation> revoked = new HashMap<>();
        jdbc.query("SELECT user_id, ratio, required_ratio FROM user_standing WHERE revoked_at IS NOT NULL",
                rs -> { revoked.put(rs.getLong(1), new RatioRevocation(rs.getDouble(2), rs.getDouble(3))); });
        Map<Long, Set<Long>> struck = new HashMap<>();
        jdbc.query("SELECT user_id, torrent_id FROM hit_and_runs WHERE state = 'struck'",
                rs -> { struck.computeIfAbsent(rs.getLong(1), id -> new HashSet<>()).add(rs.getLong(2)); });
        Map<Long, Strikes> active = new HashMap<>();
        struck.forEach((user, torrents) -> active.put(user, new Strikes(torrents.size(), Set.copyOf(torrents))));
        ratioRevoked = revoked;
        strikes = active;
    }

    /**
     * Logs staff switching a user's leech rights. Giving them back also lifts a revocation by the ratio watch
     * and ends the watch: a user still under the requirement starts a fresh one at the next evaluation. Waits
     * for a running evaluation, which would otherwise write back the state it read before this change.
     */
    public void staffChanged(long userId, boolean canLeech, Instant now) {
        transaction.executeWithoutResult(status -> {
            jdbc.queryForObject("SELECT pg_advisory_xact_lock(?)::text", String.class, ScheduledRules.EVALUATION_LOCK);
            if (canLeech) {
                jdbc.update("""
                        UPDATE user_standing SET watch_started_at = NULL, watch_ends_at = NULL,
                               watch_downloaded_at_start = NULL, revoked_at = NULL, revoked_code = NULL
                        WHERE user_id = ?""", userId);
                events.recordNow(userId, null, new Decision(RULE, "restored", "staff", "leech rights restored by staff"),
                        now);
            } else {
                events.recordNow(userId, null, new Decision(RULE, "revoked", "staff",
                        "leeching disabled for this account by staff"), now);
            }
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    reload();
                }
            });
        });
    }

    /** Why this user may not leech in general (strike torrents aside), or {@code null}. */
    public String leechingDeniedBecause(UserAccount user) {
        Decision denial = checkLeeching(user, -1);
        return denial == null ? null : denial.message();
    }

    /** Whether the ratio watch has taken this user's leech rights. */
    public boolean ratioRevoked(long userId) {
        return ratioRevoked.containsKey(userId);
    }

    public int strikeLimit() {
        return strikeLimit;
    }

    /** The refusal of a leeching announce by this user on this torrent, or {@code null}. */
    Decision checkLeeching(UserAccount user, long torrentId) {
        if (!user.canLeech()) {
            return Decision.denied(RULE, "leeching_disabled_by_staff", "leeching disabled for this account by staff");
        }
        if (user.immune()) {
            return null;
        }
        RatioRevocation revocation = ratioRevoked.get(user.id());
        if (revocation != null) {
            return Decision.denied(RULE, "ratio_under_required", "leeching disabled: ratio "
                    + ratio(revocation.ratio()) + " is under the required " + required(revocation.required())
                    + " — seed to restore");
        }
        Strikes held = strikes.get(user.id());
        if (held != null && held.active() >= strikeLimit && !held.torrents().contains(torrentId)
                && !classes.of(user).hitAndRunImmune()) { // a class immune to hit-and-runs is free of their strikes
            return Decision.denied(RULE, "hit_and_run_strikes", "leeching disabled: " + held.active()
                    + " active hit-and-run strikes (limit " + strikeLimit + ") — seed the torrents you snatched to clear them");
        }
        return null;
    }

    /** A ratio for users to read, never rounded up past a requirement it misses. */
    static String ratio(double value) {
        return BigDecimal.valueOf(value).setScale(2, RoundingMode.FLOOR).toPlainString();
    }

    static String required(double value) {
        return BigDecimal.valueOf(value).setScale(2, RoundingMode.CEILING).toPlainString();
    }
}
