package org.swarmkeeper.policy;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Every number of the ratio policy ({@code tracker.policy.*}); docs/CONFIGURATION.md lists them with their meaning.
 *
 * @param evaluateInterval     how often ratio watch and hit-and-run are evaluated
 * @param requiredRatio        Gazelle's table: {@code upTo:atNoneSeeded:atAllSeeded} per bracket of credited
 *                             download, {@code *} for the last; linear in the share of snatches still seeded
 * @param maxPeersPerTorrent   active peers one user may have in one swarm
 * @param minIntervalTolerance re-announcing this much before {@code min interval} is still in time
 * @param blockedPorts         ports (and {@code from-to} ranges) peers may not announce
 * @param enforceClientList    refuse peer_ids the client allow-list does not name
 * @param events               the decision log's aggregation and retention
 * @param grading              peer lists graded by the user's standing
 */
@ConfigurationProperties("tracker.policy")
public record PolicyProperties(
        @DefaultValue("1m") Duration evaluateInterval,
        @DefaultValue({"5GB:0.00:0.00", "10GB:0.15:0.00", "20GB:0.20:0.00", "30GB:0.30:0.05", "40GB:0.40:0.10",
                "50GB:0.50:0.20", "60GB:0.60:0.30", "80GB:0.60:0.40", "100GB:0.60:0.50", "*:0.60:0.60"})
        List<String> requiredRatio,
        @DefaultValue RatioWatch ratioWatch,
        @DefaultValue HitAndRun hitAndRun,
        @DefaultValue("3") int maxPeersPerTorrent,
        @DefaultValue("30s") Duration minIntervalTolerance,
        @DefaultValue("1-1023") List<String> blockedPorts,
        @DefaultValue("true") boolean enforceClientList,
        @DefaultValue Events events,
        @DefaultValue Grading grading) {

    /**
     * @param duration      how long a user under the requirement has to recover
     * @param downloadLimit downloading more than this during the watch ends it early, without leech rights
     */
    public record RatioWatch(
            @DefaultValue("14d") Duration duration,
            @DefaultValue("10GB") DataSize downloadLimit) {
    }

    /**
     * @param minDownloadedShare a snatch is an obligation when at least this share of the torrent was downloaded
     * @param seedTime           seeding time that fulfils it
     * @param gracePeriod        time after the snatch to fulfil it
     * @param torrentRatio       uploaded/downloaded on the torrent that fulfils it as well
     * @param prewarningBefore   a pre-warning is recorded this long before the deadline (at once when not seeding)
     * @param strikeExpiry       a strike stops counting after this long
     * @param strikeLimit        this many active strikes take leech rights away
     */
    public record HitAndRun(
            @DefaultValue("0.1") double minDownloadedShare,
            @DefaultValue("72h") Duration seedTime,
            @DefaultValue("14d") Duration gracePeriod,
            @DefaultValue("1.0") double torrentRatio,
            @DefaultValue("2d") Duration prewarningBefore,
            @DefaultValue("30d") Duration strikeExpiry,
            @DefaultValue("3") int strikeLimit) {
    }

    /**
     * The decision log ({@code policy_events}).
     *
     * @param aggregateWindow announce-time decisions of one kind (user, torrent, rule, outcome, code) within one
     *                        such window, counted from the epoch, are one row with their count, the first and last
     *                        instant and the latest message
     * @param retention       rows whose latest decision is older than this are deleted
     * @param purgeInterval   how often rows past the retention are looked for
     */
    public record Events(
            @DefaultValue("1h") Duration aggregateWindow,
            @DefaultValue("90d") Duration retention,
            @DefaultValue("1h") Duration purgeInterval) {

        public Events {
            requirePositive(aggregateWindow, "aggregate-window");
            requirePositive(retention, "retention");
            requirePositive(purgeInterval, "purge-interval");
        }

        private static void requirePositive(Duration value, String key) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("tracker.policy.events." + key + " must be positive, not " + value);
            }
        }
    }

    /**
     * Leechers' peer lists by standing. Good standing: a ratio of at least {@code good-ratio}, or the required
     * ratio met with at least {@code good-seeding-share} of one's snatches seeded, or a class in good standing, or
     * an immune account: all the seeders there is room for, first. Fair: the required ratio met, short of good.
     * Watch: on ratio watch (or without leech rights): a smaller share of the seeders, after the leechers, and a
     * longer interval. Whatever the grade, a leecher is given at least one seeder when the swarm has one.
     *
     * @param enabled             off: every leecher gets the good grade's lists
     * @param goodRatio           a ratio (or no download yet) that is good standing by itself
     * @param goodSeedingShare    the share of snatches seeded that, with the required ratio met, is good standing
     * @param fairSeederShare     the share of the seeders a fair-standing leecher's list may hold (of numwant)
     * @param watchSeederShare    the share of the seeders a leecher on ratio watch is given, after the leechers
     * @param watchIntervalFactor the interval of a leecher on ratio watch, as a multiple of the usual one; never so
     *                            long that the peer would time out between two announces
     */
    public record Grading(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("1.0") double goodRatio,
            @DefaultValue("0.5") double goodSeedingShare,
            @DefaultValue("0.5") double fairSeederShare,
            @DefaultValue("0.25") double watchSeederShare,
            @DefaultValue("1.25") double watchIntervalFactor) {

        public Grading {
            if (fairSeederShare < 0 || fairSeederShare > 1 || watchSeederShare < 0 || watchSeederShare > 1) {
                throw new IllegalArgumentException("tracker.policy.grading: seeder shares lie between 0 and 1");
            }
            if (watchIntervalFactor < 1 || watchIntervalFactor > 4) {
                throw new IllegalArgumentException("tracker.policy.grading.watch-interval-factor lies between 1 and 4");
            }
        }
    }
}
