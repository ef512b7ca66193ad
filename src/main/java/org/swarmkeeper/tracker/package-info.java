/** The BitTorrent-facing HTTP endpoints: one pass through the modules above. */
@ApplicationModule(allowedDependencies = {"protocol", "swarm", "accounting", "policy", "users", "torrents"})
package org.swarmkeeper.tracker;

import org.springframework.modulith.ApplicationModule;
