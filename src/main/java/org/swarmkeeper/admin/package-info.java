/** The admin API under {@code /api}. */
@ApplicationModule(allowedDependencies = {"protocol", "swarm", "accounting", "policy", "users", "torrents"})
package org.swarmkeeper.admin;

import org.springframework.modulith.ApplicationModule;
