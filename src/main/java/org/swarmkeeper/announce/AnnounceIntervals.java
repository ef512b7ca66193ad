package org.swarmkeeper.announce;

import java.util.concurrent.ThreadLocalRandom;

import org.springframework.stereotype.Component;
import org.swarmkeeper.accounting.AnnounceCadence;
import org.swarmkeeper.policy.PeerGrades;
import org.swarmkeeper.swarm.SwarmProperties;

/**
 * The intervals handed to clients: the configured one with its jitter, longer for a leecher on ratio watch, but
 * never so long that a peer announcing on time would time out in between. Accounting counts active time up to the
 * longest of them.
 */
@Component
class AnnounceIntervals implements AnnounceCadence {

    private final AnnounceProperties properties;
    /** A watched leecher's interval: the longest handed out. */
    private final long longestMillis;

    AnnounceIntervals(AnnounceProperties properties, PeerGrades grades, SwarmProperties swarm) {
        this.properties = properties;
        long usual = properties.interval().toMillis();
        // A peer announcing its longest interval's jitter and tolerance late still comes within the peer timeout.
        long fitsTimeout = (long) ((swarm.peerTimeout().toMillis() - properties.intervalTolerance().toMillis())
                / (1 + properties.intervalJitter()));
        this.longestMillis = Math.max(usual, Math.min((long) (usual * grades.longestIntervalFactor()), fitsTimeout));
    }

    /** The interval, in seconds with jitter, for an announce of a leecher of this grade ({@code null}: not leeching). */
    int interval(PeerGrades.Grade grade) {
        long millis = grade == PeerGrades.Grade.WATCH ? longestMillis : properties.interval().toMillis();
        int seconds = (int) (millis / 1_000);
        int jitter = (int) (seconds * properties.intervalJitter());
        return seconds + (jitter > 0 ? ThreadLocalRandom.current().nextInt(jitter + 1) : 0);
    }

    int minInterval() {
        return (int) properties.minInterval().toSeconds();
    }

    /** The usual interval with its jitter, plus the tolerance: what a seeder (or partial seed) may be late by. */
    @Override
    public long activeGapMillis() {
        return gap(properties.interval().toMillis());
    }

    /** The same over the longest interval, a watched leecher's. */
    @Override
    public long leechingActiveGapMillis() {
        return gap(longestMillis);
    }

    private long gap(long intervalMillis) {
        return (long) (intervalMillis * (1 + properties.intervalJitter())) + properties.intervalTolerance().toMillis();
    }
}
