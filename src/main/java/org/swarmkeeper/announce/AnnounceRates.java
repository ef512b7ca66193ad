package org.swarmkeeper.announce;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

import org.springframework.stereotype.Component;

/**
 * Announces and refusals per second over the last hour, in a ring of one slot per second: the summary's
 * rates over 1 min / 15 min / 1 h and the dashboard's per-minute chart. Prometheus has the same counts in
 * {@code tracker.announce}; this is for sites without Prometheus. Every announce records here, so a slot is
 * one long updated by compare-and-set, no lock: the second it counts in the high 32 bits, the count below.
 */
@Component
public class AnnounceRates {

    private static final int SECONDS = 3600;
    private static final long COUNT_MASK = 0xFFFF_FFFFL;

    /** Announces per second averaged over the last minute, 15 minutes and hour. */
    public record Rates(double oneMinute, double fifteenMinutes, double oneHour) {
    }

    /** One minute of the last hour: announces answered and, among them, refused ones. */
    public record Minute(Instant minute, long announces, long denials) {
    }

    private final AtomicLongArray announces = new AtomicLongArray(SECONDS);
    private final AtomicLongArray denials = new AtomicLongArray(SECONDS);
    private final Clock clock;

    AnnounceRates(Clock clock) {
        this.clock = clock;
    }

    void record(boolean refused) {
        long second = clock.millis() / 1000;
        increment(announces, second);
        if (refused) {
            increment(denials, second);
        }
    }

    /** Counts one in the second's slot, starting it from zero if it still holds an earlier hour's second. */
    private static void increment(AtomicLongArray slots, long second) {
        int slot = (int) Math.floorMod(second, SECONDS);
        long stamp = second << 32;
        long current;
        long next;
        do {
            current = slots.get(slot);
            next = (current & ~COUNT_MASK) == stamp ? current + 1 : stamp | 1;
        } while (!slots.compareAndSet(slot, current, next));
    }

    public Rates rates() {
        long now = clock.millis() / 1000;
        return new Rates(sum(announces, now, 60) / 60.0, sum(announces, now, 900) / 900.0,
                sum(announces, now, SECONDS) / (double) SECONDS);
    }

    /** The 60 minutes up to the current one, oldest first; the current minute is partial. */
    public List<Minute> lastHour() {
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
    private static long sum(AtomicLongArray slots, long last, long seconds) {
        long total = 0;
        for (long second = last - seconds + 1; second <= last; second++) {
            long value = slots.get((int) Math.floorMod(second, SECONDS));
            if ((value & ~COUNT_MASK) == second << 32) {
                total += value & COUNT_MASK;
            }
        }
        return total;
    }
}
