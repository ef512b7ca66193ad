package org.swarmkeeper.front;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param port           the port of {@link ClientPortServer}, which serves only the tracker's paths; unset: no such
 *                       port, and Tomcat's {@code server.port} serves them as it serves everything else
 * @param address        the address it binds; unset: every address
 * @param threads        event loops on that port, each a thread that accepts connections and serves them; 0: one
 *                       per CPU the JVM sees
 * @param maxConnections open connections at most, shared out evenly among the loops; past its share, a loop
 *                       leaves new ones to the others or, when all are full, in the kernel's backlog
 * @param timeout        how long a connection may go without a complete request (a new one, or an idle
 *                       keep-alive one), and how long a client may take to read its answer
 * @param maxRequestHead request line and headers together; larger requests get 431 and are closed
 * @param deferAccept    on Linux, a new connection is handed to a loop only once its first bytes arrive, or after
 *                       this long (the kernel rounds it up to its SYN-ACK retransmissions: 1, 3, 7, 15 s…);
 *                       0: at once. Needs {@code java.base/sun.nio.ch} opened to the application, which the
 *                       jar's manifest does; without it, a warning and connections are accepted at once
 */
@ConfigurationProperties("tracker.front")
public record FrontProperties(
        Integer port,
        String address,
        @DefaultValue("0") int threads,
        @DefaultValue("8192") int maxConnections,
        @DefaultValue("20s") Duration timeout,
        @DefaultValue("8KB") DataSize maxRequestHead,
        @DefaultValue("3s") Duration deferAccept) {
}
