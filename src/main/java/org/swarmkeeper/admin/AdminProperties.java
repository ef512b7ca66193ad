package org.swarmkeeper.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param token the bearer token of the admin API ({@code TRACKER_ADMIN_TOKEN}); unset: a random one is generated at
 *              start and logged once
 */
@ConfigurationProperties("tracker.admin")
record AdminProperties(String token) {
}
