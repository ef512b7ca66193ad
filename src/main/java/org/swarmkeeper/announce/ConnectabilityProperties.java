package org.swarmkeeper.announce;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.swarmkeeper.protocol.Cidr;

/**
 * The connectability check: after an announce the tracker tries a TCP connection to the peer's address and announced
 * port, and remembers whether it opened.
 *
 * @param enabled         probe peers at all; off, every peer counts as connectable
 * @param timeout         how long a probe waits for its connection to open (1 to 3 s); then the peer is unconnectable
 * @param cacheFor        how long a finding stands for one address and port; a peer announcing after it is probed
 *                        again
 * @param maxConcurrent   probes in flight at once; a peer announcing while that many are is probed at a later
 *                        announce
 * @param perUserPerHour  probes started for one user per clock hour; beyond, that user's peers are probed at a later
 *                        announce
 * @param allow           networks (CIDR, or single addresses) probed although they are in the ranges never probed
 *                        otherwise: loopback, private, link-local, carrier-grade NAT ({@code 100.64.0.0/10}),
 *                        unspecified, multicast and {@code 240.0.0.0/4}
 * @param hideUnconnectable peers found unconnectable are left out of other peers' lists
 * @param onlyConnectableForUnconnectable a peer found unconnectable is given only peers not found unconnectable
 */
@ConfigurationProperties("tracker.connectability")
public record ConnectabilityProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("2s") Duration timeout,
        @DefaultValue("30m") Duration cacheFor,
        @DefaultValue("64") int maxConcurrent,
        @DefaultValue("20") int perUserPerHour,
        @DefaultValue List<String> allow,
        @DefaultValue("false") boolean hideUnconnectable,
        @DefaultValue("false") boolean onlyConnectableForUnconnectable) {

    private static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration MAX_TIMEOUT = Duration.ofSeconds(3);

    public ConnectabilityProperties {
        // Shorter misses peers across the world; longer holds a probe slot for a peer that will not answer.
        if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException(
                    "tracker.connectability.timeout must be between 1s and 3s, not " + timeout);
        }
        allow = allow == null ? List.of() : List.copyOf(allow);
        networks(allow);
    }

    /** The {@code allow} entries as networks. */
    public List<Cidr> allowedNetworks() {
        return networks(allow);
    }

    private static List<Cidr> networks(List<String> entries) {
        return entries.stream()
                .map(entry -> Cidr.parse(entry.trim()).orElseThrow(() -> new IllegalArgumentException(
                        "tracker.connectability.allow: not an address or CIDR network: " + entry)))
                .toList();
    }
}
