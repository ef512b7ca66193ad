package org.swarmkeeper.tracker;

import org.springframework.stereotype.Component;
import org.swarmkeeper.users.UserAccount;
import org.swarmkeeper.users.UserDirectory;

/** The passkey in the URL path identifies the user for announce and scrape alike. */
@Component
class Passkeys {

    private final UserDirectory users;

    Passkeys(UserDirectory users) {
        this.users = users;
    }

    UserAccount authenticate(String passkey) throws Refusal {
        if (!UserDirectory.isWellFormedPasskey(passkey)) {
            throw new Refusal("invalid_passkey", "invalid passkey: expected 32 hex digits");
        }
        UserAccount user = users.byPasskey(passkey);
        if (user == null) {
            throw new Refusal("unknown_passkey", "unknown passkey");
        }
        return user;
    }
}
