package org.swarmkeeper.admin;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The bearer token of the admin API: {@code TRACKER_ADMIN_TOKEN} ({@code tracker.admin.token}), or, when
 * unset, a random one generated at start and logged once.
 */
@Component
class AdminToken {

    private static final Logger log = LoggerFactory.getLogger(AdminToken.class);

    private final byte[] token;

    AdminToken(AdminProperties properties) {
        String value = properties.token();
        if (value == null || value.isBlank()) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            value = HexFormat.of().formatHex(random);
            log.warn("TRACKER_ADMIN_TOKEN is not set; admin API token for this run: {}", value);
        }
        this.token = value.getBytes(StandardCharsets.UTF_8);
    }

    /** Constant-time comparison of an {@code Authorization} header value. */
    boolean accepts(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(token, authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }
}
