/** The admin API under {@code /api}, its OpenAPI description, the dashboard at {@code /admin}, access control. */
@ApplicationModule(allowedDependencies = {"protocol", "swarm", "accounting", "economy", "policy", "users", "torrents",
        "announce", "front"})
package org.swarmkeeper.admin;

import org.springframework.modulith.ApplicationModule;
