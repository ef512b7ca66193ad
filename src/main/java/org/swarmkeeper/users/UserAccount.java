package org.swarmkeeper.users;

/**
 * What the announce path needs to know about a user, held in memory by passkey and by id.
 *
 * @param disabledReason             shown to the client when the account is disabled, or {@code null}
 * @param canLeech                   staff's switch; the ratio policy can take leech rights away on its own
 * @param immune                     exempt from ratio watch and hit-and-run
 * @param personalFreeleechUntilMillis nothing this user downloads counts before this instant (0 = none)
 * @param userClass                  the name of the user's class, {@code null} for the first one
 */
public record UserAccount(long id, String passkey, boolean enabled, String disabledReason, boolean canLeech,
                          boolean immune, long personalFreeleechUntilMillis, String userClass) {
}
