package org.swarmkeeper.policy;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.swarmkeeper.protocol.Cidr;

/**
 * Banned addresses and networks, IPv4 and IPv6, in {@code ip_bans}. A lookup masks the address once per
 * prefix length in use and looks the network up in a hash map, so it costs a few map lookups however many
 * bans there are.
 */
@Component
public class IpBans implements SmartInitializingSingleton {

    static final String RULE = "ip_ban";
    private static final Logger log = LoggerFactory.getLogger(IpBans.class);

    public record Ban(long id, String network, String reason, Instant createdAt) {
    }

    private final JdbcTemplate jdbc;
    /** Per prefix length in use (IPv4 and IPv6 apart by key length), the banned networks and their bans. */
    private volatile Map<Integer, Map<ByteBuffer, Ban>> byPrefix = Map.of();
    private volatile List<Ban> bans = List.of();

    IpBans(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void afterSingletonsInstantiated() {
        reload();
    }

    public List<Ban> bans() {
        return bans;
    }

    /** Bans a network; empty when it is already banned. */
    public synchronized Optional<Ban> add(Cidr network, String reason) {
        int added = jdbc.update("INSERT INTO ip_bans (network, reason) VALUES (?::cidr, ?) ON CONFLICT DO NOTHING",
                network.text(), reason);
        reload();
        return added == 0 ? Optional.empty()
                : bans.stream().filter(ban -> ban.network().equals(network.text())).findFirst();
    }

    public synchronized boolean remove(long id) {
        boolean removed = jdbc.update("DELETE FROM ip_bans WHERE id = ?", id) == 1;
        reload();
        return removed;
    }

    /** Reads the list again; also called when another node or SQL changed it. A row it cannot read is skipped. */
    public void reload() {
        List<Ban> loaded = new ArrayList<>();
        Map<Integer, Map<ByteBuffer, Ban>> index = new TreeMap<>();
        jdbc.query("SELECT id, network, reason, created_at FROM ip_bans ORDER BY id", rs -> {
            Optional<Cidr> network = Cidr.parse(rs.getString(2));
            if (network.isEmpty()) {
                log.error("Ignoring IP ban {}: cannot read the network {}", rs.getLong(1), rs.getString(2));
                return;
            }
            Ban ban = new Ban(rs.getLong(1), network.get().text(), rs.getString(3), rs.getTimestamp(4).toInstant());
            loaded.add(ban);
            index.computeIfAbsent(key(network.get().network().length, network.get().prefixLength()),
                    k -> new HashMap<>()).put(ByteBuffer.wrap(network.get().network()), ban);
        });
        bans = List.copyOf(loaded);
        byPrefix = index;
    }

    /** The refusal of this address, or {@code null} when it is not banned. */
    Decision check(InetAddress address) {
        Map<Integer, Map<ByteBuffer, Ban>> index = byPrefix;
        if (index.isEmpty()) {
            return null;
        }
        byte[] raw = address.getAddress();
        for (Map.Entry<Integer, Map<ByteBuffer, Ban>> entry : index.entrySet()) {
            int length = entry.getKey() >>> 8;
            if (length != raw.length) {
                continue;
            }
            Ban ban = entry.getValue().get(ByteBuffer.wrap(Cidr.mask(raw, entry.getKey() & 0xff)));
            if (ban != null) {
                return Decision.denied(RULE, "ip_banned", "address banned: " + ban.reason());
            }
        }
        return null;
    }

    private static int key(int addressLength, int prefixLength) {
        return addressLength << 8 | prefixLength;
    }
}
