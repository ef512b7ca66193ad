/** Users and their passkeys, in PostgreSQL and in memory. */
@ApplicationModule(allowedDependencies = {"protocol"})
package org.swarmkeeper.users;

import org.springframework.modulith.ApplicationModule;
