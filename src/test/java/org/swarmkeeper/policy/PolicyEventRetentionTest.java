package org.swarmkeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.swarmkeeper.support.AdminClient.CreatedUser;
import org.swarmkeeper.support.Await;
import org.swarmkeeper.support.TrackerIntegrationTest;

/** The decision log keeps rows for {@code tracker.policy.events.retention} after their latest decision. */
class PolicyEventRetentionTest extends TrackerIntegrationTest {

    @Autowired
    PolicyEventRetention retention;

    @Autowired
    PolicyProperties properties;

    @Autowired
    DataSource dataSource;

    /** {@code rows} rows of the user's, each with its first and latest decision at the instants given. */
    private void insert(CreatedUser user, int rows, String code, Instant first, Instant last) {
        jdbc.update("""
                INSERT INTO policy_events (user_id, rule, outcome, code, message, created_at, last_at, count)
                SELECT ?, 'port', 'denied', ?, 'port 80 is not allowed', ?, ?, 1 FROM generate_series(1, ?)""",
                user.id(), code, Timestamp.from(first), Timestamp.from(last), rows);
    }

    private long rows(CreatedUser user, String code) {
        return jdbc.queryForObject("SELECT count(*) FROM policy_events WHERE user_id = ? AND code = ?", Long.class,
                user.id(), code);
    }

    private void purge() {
        Await.until("this node to take the purge lock", Duration.ofSeconds(10), retention::purge);
    }

    @Test
    void rowsWhoseLatestDecisionIsPastTheRetentionAreDeletedBatchAfterBatch() {
        CreatedUser user = newUser();
        Instant cutoff = clock.instant().minus(properties.events().retention());
        insert(user, 2 * PolicyEventRetention.BATCH + 5, "old", cutoff.minus(Duration.ofDays(1)),
                cutoff.minus(Duration.ofDays(1)));
        insert(user, 1, "recent", cutoff.plus(Duration.ofDays(1)), cutoff.plus(Duration.ofDays(1)));
        insert(user, 1, "begun_before", cutoff.minus(Duration.ofMinutes(30)), cutoff.plus(Duration.ofMinutes(30)));
        purge();
        assertThat(rows(user, "old")).isZero();
        assertThat(rows(user, "recent")).isEqualTo(1);
        assertThat(rows(user, "begun_before")).as("its latest decision is within the retention").isEqualTo(1);
    }

    @Test
    void whileAnotherNodePurgesThisOneLeavesTheRowsToIt() throws Exception {
        CreatedUser user = newUser();
        Instant old = clock.instant().minus(properties.events().retention()).minus(Duration.ofDays(1));
        insert(user, 1, "old", old, old);
        try (Connection otherNode = dataSource.getConnection();
             PreparedStatement lock = otherNode.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            otherNode.setAutoCommit(false);
            lock.setLong(1, PolicyEventRetention.PURGE_LOCK);
            lock.execute();
            assertThat(retention.purge()).isFalse();
            assertThat(rows(user, "old")).isEqualTo(1);
            otherNode.rollback();
        }
        purge();
        assertThat(rows(user, "old")).isZero();
    }
}
