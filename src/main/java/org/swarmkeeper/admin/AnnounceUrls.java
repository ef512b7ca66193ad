package org.swarmkeeper.admin;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.swarmkeeper.announce.AnnounceProperties;
import org.swarmkeeper.front.ClientPortServer;

/**
 * The announce URL the admin API hands out with a passkey: {@code tracker.announce.public-url} when it is set.
 * Otherwise the host this admin request came to, on {@code tracker.front.port} (plain HTTP, at its root) when
 * the front listens and the request is plain HTTP too; else on this request's own scheme, port and context path,
 * where Tomcat answers announces as well. An admin request over HTTPS keeps HTTPS: a passkey handed out that way
 * is not meant to travel in clear.
 */
@Component
class AnnounceUrls {

    static final String PASSKEY = "{passkey}";

    private final String publicUrl;
    private final ObjectProvider<ClientPortServer> front;

    AnnounceUrls(AnnounceProperties properties, ObjectProvider<ClientPortServer> front) {
        String url = StringUtils.hasText(properties.publicUrl()) ? properties.publicUrl().strip() : null;
        if (url != null && !url.contains(PASSKEY)) {
            throw new IllegalStateException("tracker.announce.public-url must contain " + PASSKEY
                    + " where each user's passkey goes, not " + url);
        }
        this.publicUrl = url;
        this.front = front;
    }

    /** The URL with {@value #PASSKEY} left in: each user's copy of a .torrent file fills in theirs. */
    String template() {
        if (publicUrl != null) {
            return publicUrl;
        }
        ServletUriComponentsBuilder request = ServletUriComponentsBuilder.fromCurrentContextPath();
        ClientPortServer server = front.getIfAvailable();
        // port() is not yet known while the front starts, after Tomcat: Tomcat's URL serves meanwhile
        if (server != null && server.port() > 0 && "http".equals(request.build().getScheme())) {
            request.port(server.port()).replacePath("");
        }
        // appended after encoding, so that the braces stay as they are
        return request.path("/announce/").toUriString() + PASSKEY;
    }

    String forPasskey(String passkey) {
        return template().replace(PASSKEY, passkey);
    }
}
