package org.swarmkeeper.accounting;

/**
 * The factors applied to a raw delta before it is credited: {@code download} scales what counts against the
 * user's ratio (0 = freeleech), {@code upload} what counts for it (2 = double upload). Implemented by the
 * ratio policy, which knows torrents, users, site-wide events and freeleech tokens.
 */
public interface CreditRules {

    record Factors(double download, double upload) {
    }

    /** The factors for bytes {@code userId} reports on {@code torrentId} in an announce at {@code atMillis}. */
    Factors factors(long userId, long torrentId, long atMillis);

    /** Scales a raw byte count, saturating rather than overflowing. */
    static long credit(long raw, double factor) {
        if (factor == 1 || raw == 0) {
            return raw;
        }
        double scaled = Math.floor(raw * factor);
        return scaled >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) scaled;
    }
}
