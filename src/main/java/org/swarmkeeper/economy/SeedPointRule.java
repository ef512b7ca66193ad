package org.swarmkeeper.economy;

import java.time.Duration;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * One rule of a seed point table ({@code tracker.economy.seed-points.rules}): seeding a torrent that meets every
 * condition pays {@code points-per-hour}, and the rules that hold add up. A maximum of 0 means none; minimums are
 * inclusive, maximums exclusive.
 *
 * @param minSize        the torrent is at least this large
 * @param maxSize        and smaller than this
 * @param minSeeders     the swarm has at least this many seeders, the user's included
 * @param maxSeeders     and fewer than this
 * @param minAge         the torrent was registered at least this long ago
 * @param maxAge         and less than this
 * @param minSeedTime    the user's seed time on the torrent before the interval is at least this
 * @param maxSeedTime    and less than this
 * @param pointsPerHour  what the rule pays an hour of seeding
 */
public record SeedPointRule(@DefaultValue("0B") DataSize minSize, @DefaultValue("0B") DataSize maxSize,
                            @DefaultValue("0") int minSeeders, @DefaultValue("0") int maxSeeders,
                            @DefaultValue("0s") Duration minAge, @DefaultValue("0s") Duration maxAge,
                            @DefaultValue("0s") Duration minSeedTime, @DefaultValue("0s") Duration maxSeedTime,
                            double pointsPerHour) {

    public SeedPointRule {
        if (pointsPerHour < 0 || minSeeders < 0 || maxSeeders < 0 || minSize.isNegative() || maxSize.isNegative()
                || minAge.isNegative() || maxAge.isNegative() || minSeedTime.isNegative() || maxSeedTime.isNegative()) {
            throw new IllegalArgumentException("tracker.economy.seed-points.rules: a rule has a negative value");
        }
    }

    /** The conditions known at the announce: size, seeders, the torrent's age. */
    boolean holdsFor(long size, int seeders, long ageMillis) {
        return within(size, minSize.toBytes(), maxSize.toBytes())
                && within(seeders, minSeeders, maxSeeders)
                && within(ageMillis, minAge.toMillis(), maxAge.toMillis());
    }

    /** The condition known only at the flush: the user's seed time on the torrent before the interval. */
    boolean holdsAfter(long seedMillisBefore) {
        return within(seedMillisBefore, minSeedTime.toMillis(), maxSeedTime.toMillis());
    }

    private static boolean within(long value, long min, long max) {
        return value >= min && (max == 0 || value < max);
    }
}
