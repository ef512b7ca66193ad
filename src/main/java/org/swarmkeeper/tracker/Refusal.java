package org.swarmkeeper.tracker;

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
}
