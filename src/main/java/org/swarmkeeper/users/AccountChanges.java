package org.swarmkeeper.users;

import java.time.Instant;
import java.util.Optional;

/**
 * An admin's change to an account; a {@code null} field is left as it is. {@code personalFreeleechUntil} is
 * {@code Optional.empty()} to end personal freeleech.
 */
public record AccountChanges(Boolean enabled, String disabledReason, Boolean canLeech, Boolean immune,
                             Optional<Instant> personalFreeleechUntil) {
}
