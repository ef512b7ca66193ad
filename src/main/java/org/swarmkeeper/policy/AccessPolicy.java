package org.swarmkeeper.policy;

import org.springframework.stereotype.Component;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.AnnounceRequest;
import org.swarmkeeper.users.UserAccount;

/**
 * Per-announce rules after the user and torrent are known, in a fixed order; the first denial wins. Seeding
 * stays allowed without leech rights, so users can repair their ratio; a BEP 21 partial seed is not leeching.
 */
@Component
public class AccessPolicy {

    /** A refusal: a stable code for metrics and the client-facing {@code failure reason}. */
    public record Denial(String code, String reason) {
    }

    static final Denial ACCOUNT_DISABLED = new Denial("account_disabled", "account disabled");
    static final Denial LEECHING_DISABLED =
            new Denial("leeching_disabled", "leeching disabled for this account: seed to restore it");

    /** The denial for this announce, or {@code null} when it may proceed. */
    public Denial check(UserAccount user, AnnounceRequest request) {
        if (!user.enabled()) {
            return ACCOUNT_DISABLED;
        }
        boolean leeching = request.left() > 0 && request.event() != AnnounceEvent.PAUSED
                && request.event() != AnnounceEvent.STOPPED;
        if (leeching && !user.canLeech()) {
            return LEECHING_DISABLED;
        }
        return null;
    }
}
