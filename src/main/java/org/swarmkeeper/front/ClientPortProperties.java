package org.swarmkeeper.front;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where BitTorrent clients announce and scrape ({@code tracker.front.*} says how they are served).
 *
 * @param port    the port; 0: any free one (tests)
 * @param address the address it binds; unset: every address
 */
@ConfigurationProperties("tracker")
public record ClientPortProperties(@DefaultValue("6969") int port, String address) {
}
