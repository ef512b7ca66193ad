package org.swarmkeeper.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongFunction;

import org.swarmkeeper.protocol.AnnounceEvent;

/**
 * A client session that reports growing cumulative counters, as real clients do, and remembers the last ones
 * it reported (or tried to): what the tracker must have credited once everything is written.
 */
public final class ReportingSession {

    private final long userId;
    private final TestClient client;
    private final long left;
    private volatile long uploaded;
    private volatile long downloaded;

    public ReportingSession(long userId, TestClient client, long left) {
        this.userId = userId;
        this.client = client;
        this.left = left;
    }

    public TestClient client() {
        return client;
    }

    /** Adds up to {@code maxDelta} bytes to each counter, as traffic since the last announce. */
    public void transfer(int maxDelta) {
        uploaded += ThreadLocalRandom.current().nextInt(1, maxDelta);
        downloaded += ThreadLocalRandom.current().nextInt(1, maxDelta);
    }

    public Bencode announce(AnnounceEvent event) {
        return client.announce(uploaded, downloaded, left, event);
    }

    /** Every user's credited totals equal the sum of what its sessions reported: nothing lost, nothing twice. */
    public static void assertCreditedExactly(AdminClient admin, Collection<ReportingSession> sessions) {
        assertCreditedExactly(userId -> {
            var view = admin.user(userId);
            return new long[] {view.get("uploaded").asLong(), view.get("downloaded").asLong()};
        }, sessions);
    }

    /** The same, reading each user's {uploaded, downloaded} with {@code totals}, e.g. straight from PostgreSQL. */
    public static void assertCreditedExactly(LongFunction<long[]> totals, Collection<ReportingSession> sessions) {
        for (long userId : sessions.stream().mapToLong(s -> s.userId).distinct().toArray()) {
            long up = sessions.stream().filter(s -> s.userId == userId).mapToLong(s -> s.uploaded).sum();
            long down = sessions.stream().filter(s -> s.userId == userId).mapToLong(s -> s.downloaded).sum();
            long[] credited = totals.apply(userId);
            assertThat(credited[0]).as("uploaded of user " + userId).isEqualTo(up);
            assertThat(credited[1]).as("downloaded of user " + userId).isEqualTo(down);
        }
    }
}
