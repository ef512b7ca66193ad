/**
 * Ratio policing: per-announce rules, credit factors, and the scheduled ratio watch and hit-and-run rules,
 * every decision logged. Uses {@code users} and {@code torrents} for account and torrent state: a rule decides on
 * the account and the torrent as well as on the announce. Spends seed points ({@code economy}) on what the
 * policy grants: upload credit, freeleech, the removal of hit-and-run strikes.
 */
@ApplicationModule(allowedDependencies = {"protocol", "swarm", "accounting", "economy", "users", "torrents"})
package org.swarmkeeper.policy;

import org.springframework.modulith.ApplicationModule;
