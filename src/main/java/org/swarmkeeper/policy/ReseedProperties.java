package org.swarmkeeper.policy;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Reseed requests: a swarm with leechers and no seeder for a while asks the users who snatched the torrent to
 * seed it again.
 *
 * @param enabled       look for swarms without a seeder at all
 * @param after         how long a swarm has leechers and no seeder before its snatchers are asked
 * @param checkInterval how often swarms without a seeder are looked for (with the scheduled rules, at most this
 *                      often): a read of every active peer in PostgreSQL
 * @param maxUsers      snatchers asked per request, the latest snatches first
 * @param rewardPoints  seed points for the user whose seeding brings the swarm back (0: none)
 */
@ConfigurationProperties("tracker.reseed")
public record ReseedProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1d") Duration after,
        @DefaultValue("10m") Duration checkInterval,
        @DefaultValue("50") int maxUsers,
        @DefaultValue("100") double rewardPoints) {

    public ReseedProperties {
        if (maxUsers < 0 || rewardPoints < 0) {
            throw new IllegalArgumentException("tracker.reseed: max-users and reward-points are not negative");
        }
    }
}
