/**
 * The port BitTorrent clients talk to: HTTP/1.1 on Netty, routing tracker paths to the announce and scrape use case
 * and writing its answers.
 */
@ApplicationModule(allowedDependencies = {"announce", "protocol"})
package org.swarmkeeper.front;

import org.springframework.modulith.ApplicationModule;
