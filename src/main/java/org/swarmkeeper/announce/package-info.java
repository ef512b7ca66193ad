/**
 * The announce and scrape use case: a request's query, passkey and address in, a bencoded answer out (or the work
 * that must wait before it). Passkeys, abuse limits and announce rates live here; sockets and HTTP do not.
 */
@ApplicationModule(allowedDependencies = {"protocol", "swarm", "accounting", "policy", "users", "torrents"})
package org.swarmkeeper.announce;

import org.springframework.modulith.ApplicationModule;
