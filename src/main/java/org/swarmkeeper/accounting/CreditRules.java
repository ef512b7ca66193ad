package org.swarmkeeper.accounting;

/**
 * What turns a raw delta into credit: the factors applied to it, {@code download} scaling what counts against the
 * user's ratio (0 = freeleech) and {@code upload} what counts for it (2 = double upload), and the upload speed
 * believed at most. Implemented by the ratio policy, which knows torrents, users, site-wide events and freeleech
 * tokens.
 */
public interface CreditRules {

    record Factors(double download, double upload) {
    }

    /** The factors for bytes {@code userId} reports on {@code torrentId} in an announce at {@code atMillis}. */
    Factors factors(long userId, long torrentId, long atMillis);

    /** Bytes a second a peer is believed to upload at most, over its {@link ActiveTime}. */
    long uploadCeiling();

    /** Scales a raw byte count, saturating rather than overflowing. */
    static long credit(long raw, double factor) {
        if (factor == 1 || raw == 0) {
            return raw;
        }
        double scaled = Math.floor(raw * factor);
        return scaled >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) scaled;
    }
}
