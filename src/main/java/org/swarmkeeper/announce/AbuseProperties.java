package org.swarmkeeper.announce;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param window                 the period the limits below count over
 * @param unknownPasskeysPerAddress announces and scrapes with an unknown or malformed passkey one address (an
 *                               IPv6 one with its /64) may send per window; beyond, they are refused until the
 *                               window ends, while valid passkeys from there still pass
 * @param scrapesPerPasskey      scrapes one passkey may send per window
 */
@ConfigurationProperties("tracker.abuse")
public record AbuseProperties(
        @DefaultValue("1m") Duration window,
        @DefaultValue("20") int unknownPasskeysPerAddress,
        @DefaultValue("60") int scrapesPerPasskey) {
}
