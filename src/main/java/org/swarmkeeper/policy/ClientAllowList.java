package org.swarmkeeper.policy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;
import org.swarmkeeper.protocol.PeerId;

/**
 * Which BitTorrent clients may announce: a peer_id prefix and a minimum version per client, kept in
 * {@code client_rules} and edited by admins. Browsers and crawlers are refused by their User-Agent.
 */
@Component
public class ClientAllowList implements SmartInitializingSingleton {

    static final String RULE = "client";

    /** One allowed client; {@code userAgentPrefix}, when known, is how its User-Agent starts. */
    public record ClientRule(long id, String prefix, String name, String minVersion, String userAgentPrefix) {
    }

    private record Compiled(ClientRule rule, byte[] prefix, int[] minVersion) {
    }

    private final JdbcTemplate jdbc;
    private volatile List<Compiled> rules = List.of();

    ClientAllowList(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void afterSingletonsInstantiated() {
        reload();
    }

    /** Minimum versions are written dotted: {@code 4.5.2}. */
    public static boolean isVersion(String version) {
        return ClientVersion.isDotted(version);
    }

    public List<ClientRule> rules() {
        return rules.stream().map(Compiled::rule).toList();
    }

    /** Adds a client; empty when the prefix is already listed. */
    public synchronized Optional<ClientRule> add(String prefix, String name, String minVersion, String userAgentPrefix) {
        if (rules.stream().anyMatch(c -> c.rule().prefix().equals(prefix))) {
            return Optional.empty();
        }
        GeneratedKeyHolder key = new GeneratedKeyHolder();
        jdbc.update(connection -> {
            var insert = connection.prepareStatement(
                    "INSERT INTO client_rules (peer_id_prefix, name, min_version, user_agent_prefix) VALUES (?, ?, ?, ?)",
                    new String[] {"id"});
            insert.setString(1, prefix);
            insert.setString(2, name);
            insert.setString(3, minVersion);
            insert.setString(4, userAgentPrefix);
            return insert;
        }, key);
        reload();
        return Optional.of(new ClientRule(key.getKey().longValue(), prefix, name, minVersion, userAgentPrefix));
    }

    /** Changes a client's minimum version; false when there is no such rule. */
    public synchronized boolean changeMinVersion(long id, String minVersion) {
        boolean changed = jdbc.update("UPDATE client_rules SET min_version = ? WHERE id = ?", minVersion, id) == 1;
        reload();
        return changed;
    }

    public synchronized boolean remove(long id) {
        boolean removed = jdbc.update("DELETE FROM client_rules WHERE id = ?", id) == 1;
        reload();
        return removed;
    }

    /** Reads the list again; also called when another node or SQL changed it. */
    public void reload() {
        rules = jdbc.query("SELECT id, peer_id_prefix, name, min_version, user_agent_prefix FROM client_rules ORDER BY id",
                (rs, i) -> {
                    ClientRule rule = new ClientRule(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5));
                    return new Compiled(rule, rule.prefix().getBytes(StandardCharsets.ISO_8859_1),
                            ClientVersion.parseDotted(rule.minVersion()));
                });
    }

    /** The listed client this peer_id names, or {@code null}. */
    ClientRule ruleFor(PeerId peerId) {
        byte[] id = peerId.toBytes();
        for (Compiled client : rules) {
            if (startsWith(id, client.prefix())) {
                return client.rule();
            }
        }
        return null;
    }

    /** The refusal of this client, or {@code null} when it may announce. */
    Decision check(PeerId peerId, String userAgent) {
        if (userAgent != null && looksLikeBrowserOrCrawler(userAgent)) {
            return Decision.denied(RULE, "browser_or_crawler",
                    "client not allowed: announces must come from a BitTorrent client, not a browser or crawler");
        }
        byte[] id = peerId.toBytes();
        for (Compiled client : rules) {
            if (startsWith(id, client.prefix())) {
                int[] version = ClientVersion.fromPeerId(id, client.rule().prefix());
                if (version == null) {
                    return Decision.denied(RULE, "client_version_unreadable",
                            "client not allowed: cannot read the " + client.rule().name() + " version in its peer_id");
                }
                if (ClientVersion.compare(version, client.minVersion()) < 0) {
                    return Decision.denied(RULE, "client_too_old", "client not allowed: " + client.rule().name()
                            + " " + ClientVersion.format(version) + " is older than the required "
                            + client.rule().minVersion());
                }
                return null;
            }
        }
        return Decision.denied(RULE, "client_not_listed",
                "client not allowed: " + peerId.printable().substring(0, 8) + " is not on this tracker's client list");
    }

    /** Case-insensitive, without copying the header: this runs on every announce. */
    private static boolean looksLikeBrowserOrCrawler(String userAgent) {
        return userAgent.regionMatches(true, 0, "mozilla/", 0, 8) || userAgent.regionMatches(true, 0, "opera/", 0, 6)
                || containsIgnoreCase(userAgent, "bot") || containsIgnoreCase(userAgent, "crawl")
                || containsIgnoreCase(userAgent, "spider");
    }

    private static boolean containsIgnoreCase(String text, String word) {
        for (int i = 0; i + word.length() <= text.length(); i++) {
            if (text.regionMatches(true, i, word, 0, word.length())) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] id, byte[] prefix) {
        if (id.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (id[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
