package org.swarmkeeper.users;

/** What the announce path needs to know about a user, held in memory by passkey. */
public record UserAccount(long id, String passkey, boolean enabled, boolean canLeech) {
}
