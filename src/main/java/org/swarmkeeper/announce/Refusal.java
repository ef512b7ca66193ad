package org.swarmkeeper.announce;

import org.swarmkeeper.protocol.MalformedRequestException;

/**
 * A request the tracker refuses: a stable {@code code} for metrics, the client-facing failure reason, and for a
 * temporary refusal the minutes after which to come back (BEP 31's {@code retry in}; 0 for a lasting one).
 */
final class Refusal extends Exception {

    private final String code;
    private final int retryInMinutes;

    Refusal(String code, String reason) {
        this(code, reason, 0);
    }

    Refusal(String code, String reason, int retryInMinutes) {
        super(reason, null, false, false);
        this.code = code;
        this.retryInMinutes = retryInMinutes;
    }

    String code() {
        return code;
    }

    int retryInMinutes() {
        return retryInMinutes;
    }

    /** A request the protocol parser could not read: its reason goes to the client as it is. */
    static Refusal malformed(MalformedRequestException e) {
        return new Refusal("malformed", e.getMessage());
    }
}
