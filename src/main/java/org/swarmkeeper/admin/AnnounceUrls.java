package org.swarmkeeper.admin;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.swarmkeeper.tracker.AnnounceProperties;
import org.swarmkeeper.tracker.TrackerFront;

/**
 * The announce URL the admin API hands out with a passkey: {@code tracker.announce.public-url} when it is set.
 * Otherwise the host this admin request came to, with the port that serves the tracker's paths best:
 * {@code tracker.front.port} (plain HTTP, at its root) when it is set, else this request's own scheme, port and
 * context path, where Tomcat answers announces too.
 */
@Component
class AnnounceUrls {

    static final String PASSKEY = "{passkey}";

    private final String publicUrl;
    private final ObjectProvider<TrackerFront> front;

    AnnounceUrls(AnnounceProperties properties, ObjectProvider<TrackerFront> front) {
        if (properties.publicUrl() != null && !properties.publicUrl().contains(PASSKEY)) {
            throw new IllegalStateException("tracker.announce.public-url must contain " + PASSKEY
                    + " where each user's passkey goes, not " + properties.publicUrl());
        }
        this.publicUrl = properties.publicUrl();
        this.front = front;
    }

    /** The URL with {@value #PASSKEY} left in: each user's copy of a .torrent file fills in theirs. */
    String template() {
        if (publicUrl != null) {
            return publicUrl;
        }
        ServletUriComponentsBuilder request = ServletUriComponentsBuilder.fromCurrentContextPath();
        TrackerFront trackerFront = front.getIfAvailable();
        if (trackerFront != null) {
            request.scheme("http").port(trackerFront.port()).replacePath("");
        }
        // appended after encoding, so that the braces stay as they are
        return request.path("/announce/").toUriString() + PASSKEY;
    }

    String forPasskey(String passkey) {
        return template().replace(PASSKEY, passkey);
    }
}
