package org.swarmkeeper.economy;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param seedPoints what an hour of seeding earns
 * @param prices     what points buy
 */
@ConfigurationProperties("tracker.economy")
public record EconomyProperties(@DefaultValue SeedPoints seedPoints, @DefaultValue Prices prices) {

    /**
     * Points an hour for seeding a torrent of {@code size} GiB among {@code seeders} seeders, after {@code days}
     * of the user's earlier seed time on it: {@code size × (flat + scarcity × ln(1 + days) / seeders^seeder-exponent)}
     * (Gazelle's bonus formula with its coefficients by default), prorated to the second. Paid only for the
     * intervals that accrue seed time, and not for those whose upload was withheld or whose announce had a cheat
     * finding.
     *
     * @param enabled        false pays no points
     * @param flat           points an hour per GiB, at any seed time and seeder count
     * @param scarcity       points an hour per GiB, times ln(1 + seed days), divided by seeders^seeder-exponent: old
     *                       seeds of scarce torrents earn most
     * @param seederExponent how fast the scarcity part falls with the number of seeders
     * @param idleAfter      a torrent older than this that nobody leeched for this long pays only
     *                       {@code idle-factor} of its rate, so that seeding tiny torrents nobody wants does not farm
     *                       points (at most {@code tracker.swarm.peer-retention}: leechers are looked for among the
     *                       peers PostgreSQL keeps)
     * @param idleFactor     the share of the rate an idle torrent pays (1: no reduction)
     * @param idleCheckInterval how often idle torrents are looked for in PostgreSQL
     */
    public record SeedPoints(@DefaultValue("true") boolean enabled, @DefaultValue("0.0754") double flat,
                             @DefaultValue("0.1207") double scarcity, @DefaultValue("0.55") double seederExponent,
                             @DefaultValue("7d") Duration idleAfter, @DefaultValue("0.25") double idleFactor,
                             @DefaultValue("10m") Duration idleCheckInterval) {

        public SeedPoints {
            if (flat < 0 || scarcity < 0 || seederExponent < 0) {
                throw new IllegalArgumentException("tracker.economy.seed-points: flat, scarcity and seeder-exponent "
                        + "must not be negative");
            }
            if (idleFactor < 0 || idleFactor > 1) {
                throw new IllegalArgumentException("tracker.economy.seed-points.idle-factor must be from 0 to 1");
            }
            if (idleAfter.isNegative() || idleAfter.isZero() || idleCheckInterval.isNegative()
                    || idleCheckInterval.isZero()) {
                throw new IllegalArgumentException("tracker.economy.seed-points: idle-after and idle-check-interval "
                        + "must be positive");
            }
        }
    }

    /**
     * The price list, in points; 0 takes an item off it.
     *
     * @param upload            one GiB of upload credit (counts for the ratio; not raw upload)
     * @param freeleechToken    one freeleech token (spent on a torrent: its download counts nothing)
     * @param personalFreeleech one day of personal freeleech (every torrent), from now or from the end of the
     *                          current one
     * @param hitAndRunStrike   the removal of the user's oldest active hit-and-run strike
     */
    public record Prices(@DefaultValue("100") double upload, @DefaultValue("500") double freeleechToken,
                         @DefaultValue("300") double personalFreeleech, @DefaultValue("1000") double hitAndRunStrike) {

        public Prices {
            if (upload < 0 || freeleechToken < 0 || personalFreeleech < 0 || hitAndRunStrike < 0) {
                throw new IllegalArgumentException("tracker.economy.prices must not be negative");
            }
        }
    }
}
