package org.swarmkeeper.economy;

import java.time.Duration;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * One user class (in {@code tracker.economy.classes}, lowest first): what it takes to be in it, and what it gives.
 * A user is promoted to the highest class whose requirements all hold, and demoted from a class only when the
 * ratio falls under its {@code demote-below-ratio}, then to the highest class whose requirements still hold.
 *
 * @param name             shown to staff and in events; unique
 * @param accountAge       requirement: the account is at least this old
 * @param uploaded         requirement: credited upload at least this
 * @param ratio            requirement: credited upload ÷ download at least this (no download meets any ratio)
 * @param seedTime         requirement: seed time on all torrents together at least this
 * @param averageSeedTime  requirement: seed time per torrent seeded at least this
 * @param seedingSize      requirement: the torrents the user seeds now add up to at least this
 * @param snatches         requirement: at least this many torrents completed
 * @param demoteBelowRatio a user in this class whose ratio falls under this is demoted (0: never)
 * @param downloadSlots    torrents the user may leech at once (0: no limit); seeding and partial seeds never count
 * @param leechWait        torrents younger than this may not be leeched yet (0: no wait)
 * @param downloadFactor   scales the download credited (after torrent, event and freeleech factors)
 * @param uploadFactor     scales the upload credited (never on a neutral torrent)
 * @param pointsMultiplier scales the seed points earned
 * @param hitAndRunImmune  exempt from hit-and-run obligations
 * @param goodStanding     counts as good standing for peer lists whatever the ratio (see docs/POLICY.md)
 */
public record UserClass(String name,
                        @DefaultValue("0s") Duration accountAge,
                        @DefaultValue("0B") DataSize uploaded,
                        @DefaultValue("0") double ratio,
                        @DefaultValue("0s") Duration seedTime,
                        @DefaultValue("0s") Duration averageSeedTime,
                        @DefaultValue("0B") DataSize seedingSize,
                        @DefaultValue("0") int snatches,
                        @DefaultValue("0") double demoteBelowRatio,
                        @DefaultValue("0") int downloadSlots,
                        @DefaultValue("0s") Duration leechWait,
                        @DefaultValue("1") double downloadFactor,
                        @DefaultValue("1") double uploadFactor,
                        @DefaultValue("1") double pointsMultiplier,
                        @DefaultValue("false") boolean hitAndRunImmune,
                        @DefaultValue("false") boolean goodStanding) {

    public UserClass {
        if (name == null || name.isBlank() || name.length() > 64) {
            throw new IllegalArgumentException("tracker.economy.classes: every class needs a name of 1 to 64 characters");
        }
        if (ratio < 0 || demoteBelowRatio < 0 || snatches < 0 || downloadSlots < 0 || downloadFactor < 0
                || uploadFactor < 0 || pointsMultiplier < 0 || accountAge.isNegative() || seedTime.isNegative()
                || averageSeedTime.isNegative() || leechWait.isNegative() || uploaded.isNegative()
                || seedingSize.isNegative()) {
            throw new IllegalArgumentException("tracker.economy.classes: class " + name + " has a negative value");
        }
    }

    /** A class with no requirements and no privileges beyond the defaults. */
    static UserClass named(String name) {
        return new UserClass(name, Duration.ZERO, DataSize.ofBytes(0), 0, Duration.ZERO, Duration.ZERO,
                DataSize.ofBytes(0), 0, 0, 0, Duration.ZERO, 1, 1, 1, false, false);
    }
}
