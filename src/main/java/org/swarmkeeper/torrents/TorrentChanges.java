package org.swarmkeeper.torrents;

import java.time.Instant;
import java.util.Optional;

/**
 * Staff's change to a torrent; a {@code null} field is left as it is. The instants are {@code Optional.empty()} to
 * end timed freeleech or double upload; {@code moderationReason} goes with {@code moderation}.
 */
public record TorrentChanges(Double downloadFactor, Double uploadFactor, Optional<Instant> freeleechUntil,
                             Optional<Instant> doubleUploadUntil, Moderation moderation, String moderationReason) {
}
