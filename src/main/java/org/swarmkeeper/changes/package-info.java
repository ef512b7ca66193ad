/**
 * Change notifications from PostgreSQL ({@code LISTEN swarmkeeper_changes}): keeps every node's in-memory users,
 * torrents and policy lists in step with changes made on other nodes or directly in SQL.
 */
@ApplicationModule(allowedDependencies = {"users", "torrents", "policy"})
package org.swarmkeeper.changes;

import org.springframework.modulith.ApplicationModule;
