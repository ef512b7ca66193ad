package org.swarmkeeper.protocol;

/**
 * A request that cannot be served as sent. The message is the client-facing {@code failure reason}, stable
 * and specific ("invalid info_hash: expected 20 bytes, got 19"). Checked, so every caller must answer it.
 */
public final class MalformedRequestException extends Exception {

    public MalformedRequestException(String reason) {
        super(reason, null, false, false);
    }
}
