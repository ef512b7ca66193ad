package org.swarmkeeper.tracker;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Counts events per key in fixed windows. Memory is bounded: past {@code maxKeys} keys, new keys are not
 * counted (a flood from many addresses cannot grow the map), and keys of ended windows are dropped as the map
 * fills.
 */
final class RateLimiter<K> {

    private static final class Window {
        final long start;
        int count;

        Window(long start) {
            this.start = start;
        }
    }

    private final ConcurrentMap<K, Window> windows = new ConcurrentHashMap<>();
    private final Clock clock;
    private final long windowMillis;
    private final int limit;
    private final int maxKeys;

    RateLimiter(Clock clock, long windowMillis, int limit, int maxKeys) {
        this.clock = clock;
        this.windowMillis = windowMillis;
        this.limit = limit;
        this.maxKeys = maxKeys;
    }

    /** Whether {@code key} has used up this window's allowance (without counting). */
    boolean exhausted(K key) {
        Window window = windows.get(key);
        return window != null && clock.millis() - window.start < windowMillis && window.count >= limit;
    }

    /** Counts one event for {@code key}; true when it is still within the allowance. */
    boolean tryAcquire(K key) {
        long now = clock.millis();
        if (windows.size() >= maxKeys && !windows.containsKey(key)) {
            windows.values().removeIf(window -> now - window.start >= windowMillis);
            if (windows.size() >= maxKeys) {
                return true;
            }
        }
        Window window = windows.compute(key, (k, current) ->
                current == null || now - current.start >= windowMillis ? new Window(now) : current);
        synchronized (window) {
            return ++window.count <= limit;
        }
    }
}
