package org.swarmkeeper.swarm;

/**
 * What one answer's peer list may hold. A leecher is given seeders round-robin, so every seeder is shown in
 * turn, then leechers; a seeder or partial seed is given leechers only. Within either group, peers not found
 * unconnectable come first, and a list holds one peer per other user while others are there to fill it.
 *
 * @param numwant           peers at most
 * @param seederShare       the share of the seeders a leecher may be given, of at most {@code numwant} (1 = all
 *                          of them); at least one whenever the swarm has a seeder, so nobody is starved
 * @param seedersFirst      seeders ahead of the leechers in the list, or after them
 * @param skipUnconnectable leave out peers found unconnectable
 */
public record ListShape(int numwant, double seederShare, boolean seedersFirst, boolean skipUnconnectable) {

    /** Every seeder there is room for, first; nothing skipped. */
    public static ListShape full(int numwant) {
        return new ListShape(numwant, 1, true, false);
    }

    /** No peers: the answer to a {@code stopped}, or a warned announce. */
    public static final ListShape NONE = full(0);

    public ListShape {
        if (seederShare < 0 || seederShare > 1) {
            throw new IllegalArgumentException("seeder share " + seederShare + " is not between 0 and 1");
        }
    }

    /** The most seeders a leecher is given from {@code seeders} in the swarm. */
    int seederQuota(int seeders) {
        if (seeders == 0 || numwant == 0) {
            return 0;
        }
        return Math.max(1, (int) (seederShare * Math.min(numwant, seeders)));
    }
}
