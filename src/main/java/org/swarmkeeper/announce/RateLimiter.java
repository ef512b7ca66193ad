package org.swarmkeeper.announce;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Counts events per key in fixed windows. Memory is bounded: past {@code maxKeys} keys, keys of ended windows
 * are dropped (one pass a second at most) and new keys that still find no room are let through uncounted: a
 * flood from that many addresses is not limited, only kept from growing the map.
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
    private volatile long lastPrune;

    RateLimiter(Clock clock, long windowMillis, int limit, int maxKeys) {
        this.clock = clock;
        this.windowMillis = windowMillis;
        this.limit = limit;
        this.maxKeys = maxKeys;
    }

    /** Counts one event for {@code key}; true when it is still within the allowance. */
    boolean tryAcquire(K key) {
        long now = clock.millis();
        if (windows.size() >= maxKeys && !windows.containsKey(key)) {
            if (now - lastPrune > 1_000) { // at most one pass a second, however many new keys arrive
                lastPrune = now;
                windows.values().removeIf(window -> now - window.start >= windowMillis);
            }
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
