package org.swarmkeeper.admin;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriComponentsBuilder;
import org.swarmkeeper.announce.AnnounceProperties;
import org.swarmkeeper.front.ClientServer;

/**
 * The announce URL the admin API hands out with a passkey: {@code tracker.announce.public-url} when it is set.
 * Otherwise the host this admin request came to, on the clients' port ({@code tracker.port}), over HTTPS when that
 * port serves TLS ({@code tracker.front.ssl-bundle}).
 */
@Component
class AnnounceUrls {

    static final String PASSKEY = "{passkey}";

    private final String publicUrl;
    private final ObjectProvider<ClientServer> server;

    AnnounceUrls(AnnounceProperties properties, ObjectProvider<ClientServer> server) {
        String url = StringUtils.hasText(properties.publicUrl()) ? properties.publicUrl().strip() : null;
        if (url != null && !url.contains(PASSKEY)) {
            throw new IllegalStateException("tracker.announce.public-url must contain " + PASSKEY
                    + " where each user's passkey goes, not " + url);
        }
        this.publicUrl = url;
        this.server = server;
    }

    /** The URL with {@value #PASSKEY} left in: each user's copy of a .torrent file fills in theirs. */
    String template() {
        if (publicUrl != null) {
            return publicUrl;
        }
        ClientServer clients = server.getObject();
        String host = ServletUriComponentsBuilder.fromCurrentRequestUri().build().getHost();
        // appended after encoding, so that the braces stay as they are
        return UriComponentsBuilder.newInstance().scheme(clients.secure() ? "https" : "http").host(host)
                .port(clients.port()).path("/announce/").toUriString() + PASSKEY;
    }

    String forPasskey(String passkey) {
        return template().replace(PASSKEY, passkey);
    }
}
