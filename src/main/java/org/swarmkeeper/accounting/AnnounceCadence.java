package org.swarmkeeper.accounting;

/** How often peers are asked to announce: implemented by the announce use case, which hands the interval out. */
@FunctionalInterface
public interface AnnounceCadence {

    /**
     * The longest gap between two announces of a peer that counts as active time: the longest interval handed out
     * plus a tolerance for clients that announce a little late.
     */
    long activeGapMillis();

    /** The same for a peer that was leeching: a leecher may have been handed a longer interval. */
    default long leechingActiveGapMillis() {
        return activeGapMillis();
    }
}
