/** The embedded PostgreSQL used when no datasource is configured. */
@ApplicationModule(allowedDependencies = {})
package org.swarmkeeper.embeddeddb;

import org.springframework.modulith.ApplicationModule;
