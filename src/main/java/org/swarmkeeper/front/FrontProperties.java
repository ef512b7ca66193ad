package org.swarmkeeper.front;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How the port BitTorrent clients talk to serves them ({@code tracker.port} says where it listens).
 *
 * @param threads         event loops, each a thread serving its share of the connections; 0: one per CPU the JVM sees
 * @param maxConnections  open connections at most; a new one beyond is closed at once
 * @param maxConnectionsPerAddress open connections from one address at most (trusted proxies excepted), so that
 *                        one host cannot hold the port
 * @param maxRequestsPerConnection answers on one keep-alive connection at most; the last carries
 *                        {@code Connection: close}
 * @param timeout         how long a connection may take to send a whole request head, counted from its start or from
 *                        its last answer (an idle keep-alive connection, a slow client, one that does not read its
 *                        answers); then it is closed
 * @param maxRequestHead  request line, and headers, each at most this long (at least 1KB is allowed whatever the
 *                        setting); longer ones get 431 and are closed
 * @param deferAccept     on Linux, a new connection reaches the tracker only once its first bytes arrive, or after
 *                        this long (the kernel rounds it up to its SYN-ACK retransmissions: 1, 3, 7, 15 s…); 0: at
 *                        once
 * @param maxWaiting      announces and scrapes waiting at once on worker threads (for a flush to commit, for
 *                        back-pressure, for a swarm to be read from PostgreSQL); one more is answered at once
 *                        with a warning and without being recorded (its client reports the bytes again next time)
 * @param sslBundle       a Spring Boot SSL bundle ({@code spring.ssl.bundle.*}) to serve HTTPS with; unset: HTTP
 */
@ConfigurationProperties("tracker.front")
public record FrontProperties(
        @DefaultValue("0") int threads,
        @DefaultValue("8192") int maxConnections,
        @DefaultValue("64") int maxConnectionsPerAddress,
        @DefaultValue("1000") int maxRequestsPerConnection,
        @DefaultValue("20s") Duration timeout,
        @DefaultValue("8KB") DataSize maxRequestHead,
        @DefaultValue("3s") Duration deferAccept,
        @DefaultValue("10000") int maxWaiting,
        String sslBundle) {
}
