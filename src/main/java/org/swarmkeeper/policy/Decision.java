package org.swarmkeeper.policy;

/**
 * One explained policy decision: the {@code rule} that made it, its {@code outcome} (denied, warned, started,
 * revoked, …), a stable reason {@code code} for metrics and audit, and the user-facing {@code message}.
 */
public record Decision(String rule, String outcome, String code, String message) {

    static Decision denied(String rule, String code, String message) {
        return new Decision(rule, "denied", code, message);
    }

    public boolean denied() {
        return outcome.equals("denied");
    }
}
