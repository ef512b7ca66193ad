package org.swarmkeeper.swarm;

/**
 * What cheat detection allows an announce to earn: everything, its bytes but no reward for its seeding (a finding
 * whose action only flags), or not even its upload (recorded raw, withheld).
 */
public enum CreditGrant {
    FULL, NO_REWARD, UPLOAD_WITHHELD;

    public boolean rewarded() {
        return this == FULL;
    }

    public boolean uploadWithheld() {
        return this == UPLOAD_WITHHELD;
    }

    /** The stricter of two grants: what several announces coalesced in one write may earn. */
    public CreditGrant and(CreditGrant other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
