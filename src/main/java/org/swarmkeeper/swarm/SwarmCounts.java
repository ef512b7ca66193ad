package org.swarmkeeper.swarm;

/** Live numbers of one swarm. {@code partialSeeds} are BEP 21 peers that are neither seeding nor downloading. */
public record SwarmCounts(int seeders, int leechers, int partialSeeds, long snatches) {

    /** BEP 3's {@code incomplete}: every peer that is not a seeder, partial seeds included. */
    public int incomplete() {
        return leechers + partialSeeds;
    }
}
