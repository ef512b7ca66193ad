package org.swarmkeeper.policy;

import java.time.Clock;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.swarmkeeper.economy.UserClass;
import org.swarmkeeper.economy.UserClasses;
import org.swarmkeeper.users.UserDirectory;

/** Staff putting a user in a class and pinning it there (the scheduled evaluation then leaves it), or unpinning. */
@Component
public class ClassAssignments {

    private final UserClasses classes;
    private final PolicyEvents events;
    private final TransactionTemplate transactions;
    private final UserDirectory users;
    private final Clock clock;
    private final JdbcTemplate jdbc;

    ClassAssignments(UserClasses classes, PolicyEvents events, TransactionTemplate transactions, UserDirectory users,
                     Clock clock, JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.classes = classes;
        this.events = events;
        this.transactions = transactions;
        this.users = users;
        this.clock = clock;
    }

    /**
     * Puts the user in {@code userClass}, pinned or not, with the user's event; false when there is no such user.
     * Unpinned, the next evaluation moves the user to where the requirements say.
     */
    public boolean assign(long userId, UserClass userClass, boolean pinned, String by) {
        String from = classes.of(userId).name();
        events.flush(); // what announces logged so far comes before this change in the log
        boolean assigned = Boolean.TRUE.equals(transactions.execute(status -> {
            // After a running evaluation, which would otherwise move the user on from what it read before the pin.
            jdbc.queryForObject("SELECT pg_advisory_xact_lock(?)::text", String.class, ScheduledRules.EVALUATION_LOCK);
            if (!classes.pin(userId, userClass, pinned)) {
                return false;
            }
            events.recordNow(userId, null, new Decision(ScheduledRules.CLASS_RULE, pinned ? "pinned" : "unpinned",
                    pinned ? "class_pinned" : "class_unpinned", (pinned ? "pinned in " : "unpinned in ")
                    + userClass.name() + (from.equals(userClass.name()) ? "" : " (was " + from + ")") + " by " + by),
                    clock.instant());
            return true;
        }));
        if (assigned) {
            users.refresh(userId);
        }
        return assigned;
    }
}
