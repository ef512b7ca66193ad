package org.swarmkeeper.accounting;

/**
 * What an hour of seeding earns, paid in the ledger's transaction with the bytes of the same announces, so that
 * points are as exactly-once as credit. What depends on the user's earlier seed time on the torrent is known only
 * in PostgreSQL, where the flush applies it: a formula's part that grows as {@link #seniority}, and a rule table's
 * rules with a seed time range ({@link #rulePointsPerHour}). Implemented by the economy.
 */
public interface SeedPointRates {

    /**
     * Points an hour: {@code flat}, plus {@code perSeniority} × {@link #seniority} of the earlier seed time, plus,
     * for each rule of a table whose other conditions hold (bit {@code r} of {@code rules}), {@code ruleWeight} ×
     * {@link #rulePointsPerHour} of rule {@code r}.
     */
    record Hourly(double flat, double perSeniority, long rules, double ruleWeight) {
        public static final Hourly NONE = new Hourly(0, 0, 0, 0);
    }

    SeedPointRates NONE = (userId, torrentId, seeders, atMillis) -> Hourly.NONE;

    /** The most rules a table may have: one bit each in {@link Hourly#rules}. */
    int MAX_RULES = Long.SIZE;

    /** The rate for {@code userId} seeding {@code torrentId} among {@code seeders} seeders (itself included). */
    Hourly hourly(long userId, long torrentId, int seeders, long atMillis);

    /** Whether only a peer found connectable earns points. */
    default boolean requiresConnectable() {
        return false;
    }

    /** What rule {@code rule} pays an hour after {@code seedMillisBefore} of the user's seed time on the torrent. */
    default double rulePointsPerHour(int rule, long seedMillisBefore) {
        return 0;
    }

    /** ln(1 + days) of a user's seed time on a torrent before an interval. */
    static double seniority(long seedMillisBefore) {
        return Math.log1p(seedMillisBefore / 86_400_000.0);
    }

    /** Points are stored and summed in millionths, so that additions from several nodes are exact. */
    long MICROS = 1_000_000;
}
