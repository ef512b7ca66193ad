/** Per-announce rules. Uses {@code users} for account state, beyond DESIGN.md §2's list. */
@ApplicationModule(allowedDependencies = {"protocol", "swarm", "accounting", "users"})
package org.swarmkeeper.policy;

import org.springframework.modulith.ApplicationModule;
