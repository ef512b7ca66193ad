package org.swarmkeeper.accounting;

/**
 * What an hour of seeding earns, paid in the ledger's transaction with the bytes of the same announces, so that
 * points are as exactly-once as credit. The hourly rate has a part that holds at any seed time and a part that
 * grows with the user's earlier seed time on the torrent as {@link #seniority}: that seed time is known only in
 * PostgreSQL, where the flush applies it. Implemented by the economy, which knows torrents and prices.
 */
public interface SeedPointRates {

    /** Points an hour: {@code flat}, plus {@code perSeniority} × {@link #seniority} of the earlier seed time. */
    record Hourly(double flat, double perSeniority) {
        public static final Hourly NONE = new Hourly(0, 0);
    }

    SeedPointRates NONE = (userId, torrentId, seeders, atMillis) -> Hourly.NONE;

    /** The rate for {@code userId} seeding {@code torrentId} among {@code seeders} seeders (itself included). */
    Hourly hourly(long userId, long torrentId, int seeders, long atMillis);

    /** ln(1 + days) of a user's seed time on a torrent before an interval. */
    static double seniority(long seedMillisBefore) {
        return Math.log1p(seedMillisBefore / 86_400_000.0);
    }

    /** Points are stored and summed in millionths, so that additions from several nodes are exact. */
    long MICROS = 1_000_000;
}
