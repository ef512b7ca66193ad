package org.swarmkeeper.front;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param trustedProxies reverse proxies (addresses or CIDR networks) whose {@code X-Forwarded-For} is believed;
 *                       empty: the socket's address is the client's
 */
@ConfigurationProperties("tracker.network")
public record NetworkProperties(@DefaultValue List<String> trustedProxies) {
}
