package org.swarmkeeper.announce;

import org.swarmkeeper.protocol.MalformedRequestException;

/** A request the tracker refuses: a stable {@code code} for metrics and the client-facing failure reason. */
final class Refusal extends Exception {

    private final String code;

    Refusal(String code, String reason) {
        super(reason, null, false, false);
        this.code = code;
    }

    String code() {
        return code;
    }

    /** A request the protocol parser could not read: its reason goes to the client as it is. */
    static Refusal malformed(MalformedRequestException e) {
        return new Refusal("malformed", e.getMessage());
    }
}
