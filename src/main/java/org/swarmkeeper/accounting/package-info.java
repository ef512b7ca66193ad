/** Deltas, the ledger and its flusher, reading peers back from PostgreSQL. */
@ApplicationModule(allowedDependencies = {"protocol", "swarm"})
package org.swarmkeeper.accounting;

import org.springframework.modulith.ApplicationModule;
