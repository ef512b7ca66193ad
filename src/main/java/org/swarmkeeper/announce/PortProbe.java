package org.swarmkeeper.announce;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Tries whether a peer accepts TCP connections on its announced port. */
public interface PortProbe {

    /**
     * Completes with true when a TCP connection to target opens within timeout, false when refused, unreachable or
     * timed out, and {@code null} when it could not be tried (the clients' port is not served): that says nothing
     * about the peer. Never completes exceptionally.
     */
    CompletableFuture<Boolean> connects(InetSocketAddress target, Duration timeout);
}
