package org.swarmkeeper.torrents;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Where a torrent stands with the site's moderators; only approved torrents are announceable by everyone. */
public enum Moderation {
    PENDING, APPROVED, REJECTED, POSTPONED;

    /** As stored and shown: {@code pending}, {@code approved}, … */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Moderation> of(String code) {
        return Arrays.stream(values()).filter(state -> state.code().equals(code)).findFirst();
    }
}
