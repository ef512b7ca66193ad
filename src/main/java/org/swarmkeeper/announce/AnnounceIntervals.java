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
        long fitsTimeout = (long) (swarm.peerTimeout().toMillis() * 0.9 / (1 + properties.intervalJitter()));
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

    /** The longest interval handed out (with its jitter) plus the tolerance. */
    @Override
    public long activeGapMillis() {
        return (long) (longestMillis * (1 + properties.intervalJitter())) + properties.intervalTolerance().toMillis();
    }
}
