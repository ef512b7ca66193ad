package org.swarmkeeper.economy;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.swarmkeeper.accounting.SeedPointRates;

/**
 * @param seedPoints    what an hour of seeding earns
 * @param prices        what points buy
 * @param classes       the user classes, lowest first ({@link UserClass}); by default User, Member (7 days,
 *                      10 GiB, ratio 0.7), Power User (28 days, 25 GiB, ratio 1.05, seeding 100 GiB; points × 1.1),
 *                      Elite (91 days, 100 GiB, ratio 1.05, 50 snatches, average seed time 3 days; points × 1.25),
 *                      the last two in good standing for peer lists whatever their ratio, each demoted under a ratio a little below its own; no download slot limit or leech wait
 *                      unless configured
 * @param classInterval how often classes are evaluated (with the scheduled rules, at most this often)
 */
@ConfigurationProperties("tracker.economy")
public record EconomyProperties(@DefaultValue SeedPoints seedPoints, @DefaultValue Prices prices,
                                List<UserClass> classes, @DefaultValue("1h") Duration classInterval) {

    static final List<UserClass> DEFAULT_CLASSES = List.of(
            UserClass.named("User"),
            new UserClass("Member", Duration.ofDays(7), DataSize.ofGigabytes(10), 0.7, Duration.ZERO, Duration.ZERO,
                    DataSize.ofBytes(0), 0, 0.65, 0, Duration.ZERO, 1, 1, 1, false, false),
            new UserClass("Power User", Duration.ofDays(28), DataSize.ofGigabytes(25), 1.05, Duration.ZERO,
                    Duration.ZERO, DataSize.ofGigabytes(100), 0, 0.95, 0, Duration.ZERO, 1, 1, 1.1, false, true),
            new UserClass("Elite", Duration.ofDays(91), DataSize.ofGigabytes(100), 1.05, Duration.ZERO,
                    Duration.ofDays(3), DataSize.ofBytes(0), 50, 0.95, 0, Duration.ZERO, 1, 1, 1.25, false, true));

    public EconomyProperties {
        classes = classes == null || classes.isEmpty() ? DEFAULT_CLASSES : List.copyOf(classes);
        if (classes.stream().map(UserClass::name).distinct().count() != classes.size()) {
            throw new IllegalArgumentException("tracker.economy.classes: class names must differ");
        }
        if (classInterval.isNegative()) {
            throw new IllegalArgumentException("tracker.economy.class-interval must not be negative");
        }
    }

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
     * @param rules          a table that replaces the formula when it has rules ({@link SeedPointRule}, at most 64):
     *                       each rule whose conditions hold pays its points an hour, in UNIT3D's manner; the idle
     *                       factor and the class's multiplier apply as to the formula
     * @param requireConnectable only peers the tracker found connectable earn (tracker.connectability): a seeder
     *                       nobody can connect to serves nobody who cannot be connected to either
     */
    public record SeedPoints(@DefaultValue("true") boolean enabled, @DefaultValue("0.0754") double flat,
                             @DefaultValue("0.1207") double scarcity, @DefaultValue("0.55") double seederExponent,
                             @DefaultValue("7d") Duration idleAfter, @DefaultValue("0.25") double idleFactor,
                             @DefaultValue("10m") Duration idleCheckInterval, List<SeedPointRule> rules,
                             @DefaultValue("false") boolean requireConnectable) {

        public SeedPoints {
            rules = rules == null ? List.of() : List.copyOf(rules);
            if (rules.size() > SeedPointRates.MAX_RULES) {
                throw new IllegalArgumentException("tracker.economy.seed-points.rules: at most "
                        + SeedPointRates.MAX_RULES + " rules");
            }
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
