/**
 * The economy: seed points earned per seeding interval (paid by the ledger, in its transaction), their balance and
 * history, and the price list they are spent on.
 */
@ApplicationModule(allowedDependencies = {"protocol", "swarm", "accounting", "users", "torrents"})
package org.swarmkeeper.economy;

import org.springframework.modulith.ApplicationModule;
