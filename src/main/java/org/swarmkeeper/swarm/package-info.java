/** Live swarms in memory: peers, counts, peer selection, the reaper. */
@ApplicationModule(allowedDependencies = {"protocol"})
package org.swarmkeeper.swarm;

import org.springframework.modulith.ApplicationModule;
