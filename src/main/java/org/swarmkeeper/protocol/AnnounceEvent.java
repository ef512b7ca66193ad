package org.swarmkeeper.protocol;

/** The {@code event} of an announce; {@link #PAUSED} is BEP 21's partial seed. */
public enum AnnounceEvent {
    NONE, STARTED, STOPPED, COMPLETED, PAUSED;

    static AnnounceEvent parse(String value) throws MalformedRequestException {
        return switch (value) {
            case "", "empty" -> NONE;
            case "started" -> STARTED;
            case "stopped" -> STOPPED;
            case "completed" -> COMPLETED;
            case "paused" -> PAUSED;
            default -> throw new MalformedRequestException("invalid event");
        };
    }

    public String wireName() {
        return this == NONE ? "" : name().toLowerCase(java.util.Locale.ROOT);
    }
}
