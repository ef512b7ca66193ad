package org.swarmkeeper.announce;

import java.util.function.Supplier;

/**
 * The use case's answer to one announce or scrape: a bencoded body ready to send, or the rest of the work when it
 * must block first. The request is parsed and its passkey looked up once, whichever it is.
 */
public sealed interface ClientAnswer {

    /** The bencoded body, a failure reason included. */
    record Ready(byte[] body) implements ClientAnswer {
    }

    /**
     * The answer waits for a flush to commit ({@code started}, {@code stopped}, {@code completed}), for
     * back-pressure, or for the swarm to be read from PostgreSQL: {@code rest} gives the body and must run on a
     * thread that may block. Nothing was changed or counted before it runs. When no such thread is free,
     * {@code unrecorded} answers at once instead, with a warning and without recording anything: the client
     * reports the same bytes again next time.
     */
    record MustWait(Supplier<byte[]> rest, Supplier<byte[]> unrecorded) implements ClientAnswer {
    }
}
