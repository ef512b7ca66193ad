package org.swarmkeeper.tracker;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

/**
 * Announces and refusals per second over the last hour, in a ring of one slot per second: the summary's
 * rates over 1 min / 15 min / 1 h and the dashboard's per-minute chart. Prometheus has the same counts in
 * {@code tracker.announce}; this is for sites without Prometheus.
 */
@Component
public class AnnounceRates {

    private static final int SECONDS = 3600;

    /** Announces per second averaged over the last minute, 15 minutes and hour. */
    public record Rates(double oneMinute, double fifteenMinutes, double oneHour) {
    }

    /** One minute of the last hour: announces answered and, among them, refused ones. */
    public record Minute(Instant minute, long announces, long denials) {
    }

    private final long[] slotSecond = new long[SECONDS];
    private final long[] announces = new long[SECONDS];
    private final long[] denials = new long[SECONDS];
    private final Clock clock;

    AnnounceRates(Clock clock) {
        this.clock = clock;
    }

    synchronized void record(boolean refused) {
        int slot = slot(clock.millis() / 1000);
        announces[slot]++;
        if (refused) {
            denials[slot]++;
        }
    }

    /** The slot of a second, emptied first if it still holds the same second of an earlier hour. */
    private int slot(long second) {
        int slot = (int) Math.floorMod(second, SECONDS);
        if (slotSecond[slot] != second) {
            slotSecond[slot] = second;
            announces[slot] = 0;
            denials[slot] = 0;
        }
        return slot;
    }

    public synchronized Rates rates() {
        long now = clock.millis() / 1000;
        return new Rates(sum(announces, now, 60) / 60.0, sum(announces, now, 900) / 900.0,
                sum(announces, now, SECONDS) / (double) SECONDS);
    }

    /** The 60 minutes up to the current one, oldest first; the current minute is partial. */
    public synchronized List<Minute> lastHour() {
        long now = clock.millis() / 1000;
        long currentMinute = now - Math.floorMod(now, 60);
        List<Minute> minutes = new ArrayList<>(60);
        for (long start = currentMinute - 59 * 60; start <= currentMinute; start += 60) {
            long end = Math.min(start + 59, now);
            minutes.add(new Minute(Instant.ofEpochSecond(start), sum(announces, end, end - start + 1),
                    sum(denials, end, end - start + 1)));
        }
        return minutes;
    }

    /** The counts of the {@code seconds} seconds ending with {@code last}, inclusive. */
    private long sum(long[] counts, long last, long seconds) {
        long total = 0;
        for (long second = last - seconds + 1; second <= last; second++) {
            int slot = (int) Math.floorMod(second, SECONDS);
            if (slotSecond[slot] == second) {
                total += counts[slot];
            }
        }
        return total;
    }
}
