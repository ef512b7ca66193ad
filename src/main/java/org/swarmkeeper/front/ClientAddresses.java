package org.swarmkeeper.front;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Component;
import org.swarmkeeper.protocol.Cidr;

/**
 * The client's address: the socket's, unless the socket belongs to a configured trusted proxy;
 * then the right-most {@code X-Forwarded-For} hop that is not itself a trusted proxy. The {@code ip},
 * {@code ipv4} and {@code ipv6} parameters are spoofable and never used.
 */
@Component
class ClientAddresses {

    private final List<Cidr> trustedProxies = new ArrayList<>();

    ClientAddresses(NetworkProperties properties) {
        for (String proxy : properties.trustedProxies()) {
            trustedProxies.add(Cidr.parse(proxy.trim()).orElseThrow(() -> new IllegalArgumentException(
                    "tracker.network.trusted-proxies: '" + proxy + "' is not an address or CIDR network")));
        }
    }

    /**
     * The client's address behind a trusted proxy, given the socket's (normalized) and the {@code X-Forwarded-For}
     * header lines: the right-most hop that is not a trusted proxy.
     */
    InetAddress forwarded(InetAddress socket, List<String> forwardedFor) {
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                hops.add(hop.trim());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = Cidr.literal(withoutPort(hops.get(i)));
            if (hop.isEmpty()) {
                return socket; // a hop the proxy chain cannot vouch for: do not guess past it
            }
            if (!trustedProxy(hop.get())) {
                return hop.get();
            }
        }
        return socket;
    }

    /** Some proxies write hops with their port: {@code 192.0.2.1:5678}, {@code [2001:db8::1]:443}. */
    private static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int close = hop.indexOf(']');
            return close < 0 ? hop : hop.substring(1, close);
        }
        int colon = hop.indexOf(':');
        return colon >= 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
    }

    /** Whether {@code address} is a configured trusted proxy. */
    boolean trustedProxy(InetAddress address) {
        for (Cidr proxy : trustedProxies) {
            if (proxy.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
