/**
 * Ratio policing: per-announce rules, credit factors, and the scheduled ratio watch and hit-and-run rules,
 * every decision logged. Uses {@code users} and {@code torrents} for account and torrent state: a rule decides on
 * the account and the torrent as well as on the announce.
 */
@ApplicationModule(allowedDependencies = {"protocol", "swarm", "accounting", "users", "torrents"})
package org.swarmkeeper.policy;

import org.springframework.modulith.ApplicationModule;
