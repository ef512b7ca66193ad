/** Registered torrents by v1 and truncated v2 info hash, in PostgreSQL and in memory. */
@ApplicationModule(allowedDependencies = {"protocol"})
package org.swarmkeeper.torrents;

import org.springframework.modulith.ApplicationModule;
