/** BitTorrent wire format: request parsing from raw bytes, bencode, compact peers. Pure Java, no Spring. */
@ApplicationModule(allowedDependencies = {})
package org.swarmkeeper.protocol;

import org.springframework.modulith.ApplicationModule;
