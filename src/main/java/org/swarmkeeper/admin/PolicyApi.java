package org.swarmkeeper.admin;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.swarmkeeper.policy.ClientAllowList;
import org.swarmkeeper.policy.IpBans;
import org.swarmkeeper.policy.SiteEvents;
import org.swarmkeeper.protocol.Cidr;

/** Site-wide policy: the client allow-list, IP bans, and freeleech / double-upload events. */
@RestController
@RequestMapping("/api")
class PolicyApi {

    private static final Pattern PREFIX = Pattern.compile("[\\x21-\\x7e]{1,8}");
    private static final String VERSION_HINT = "dotted numbers such as 4.5.2";

    /** {@code userAgentPrefix}: optional, how this client's User-Agent starts (checked by cheat detection). */
    record NewClient(String prefix, String name, String minVersion, String userAgentPrefix) {
    }

    record ChangeClient(String minVersion) {
    }

    record NewBan(String network, String reason) {
    }

    record NewSiteEvent(String name, Double downloadFactor, Double uploadFactor, String startsAt, String endsAt) {
    }

    private final ClientAllowList clients;
    private final IpBans bans;
    private final SiteEvents siteEvents;

    PolicyApi(ClientAllowList clients, IpBans bans, SiteEvents siteEvents) {
        this.clients = clients;
        this.bans = bans;
        this.siteEvents = siteEvents;
    }

    @GetMapping("/clients")
    List<ClientAllowList.ClientRule> clients() {
        return clients.rules();
    }

    /** Allows a client by peer_id prefix: {@code -XX} (Azureus style, 4 version characters) or e.g. {@code A2-}. */
    @PostMapping("/clients")
    ResponseEntity<ClientAllowList.ClientRule> addClient(@RequestBody NewClient body) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (body == null || body.prefix() == null || !PREFIX.matcher(body.prefix()).matches()
                || (body.prefix().startsWith("-") && body.prefix().length() != 3)) {
            errors.put("prefix", "required: the peer_id prefix, '-' and two characters (Azureus style, e.g. -qB) "
                    + "or 1 to 8 printable characters ending before dash-separated numbers (Mainline style, e.g. A2-)");
        }
        if (body == null || body.name() == null || body.name().isBlank() || body.name().length() > 64) {
            errors.put("name", "required: 1 to 64 characters");
        }
        if (body == null || !ClientAllowList.isVersion(body.minVersion())) {
            errors.put("minVersion", "required: " + VERSION_HINT);
        }
        if (body != null && body.userAgentPrefix() != null
                && (body.userAgentPrefix().isBlank() || body.userAgentPrefix().length() > 64)) {
            errors.put("userAgentPrefix", "optional: 1 to 64 characters");
        }
        if (!errors.isEmpty()) {
            throw ApiProblems.invalid(errors);
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(clients.add(body.prefix(), body.name(), body.minVersion(),
                body.userAgentPrefix())
                .orElseThrow(() -> ApiProblems.conflict("a rule for " + body.prefix() + " exists already")));
    }

    @PatchMapping("/clients/{id}")
    List<ClientAllowList.ClientRule> changeClient(@PathVariable long id, @RequestBody ChangeClient body) {
        if (body == null || !ClientAllowList.isVersion(body.minVersion())) {
            throw ApiProblems.invalid(Map.of("minVersion", "required: " + VERSION_HINT));
        }
        if (!clients.changeMinVersion(id, body.minVersion())) {
            throw ApiProblems.notFound("no client rule with id " + id);
        }
        return clients.rules();
    }

    @DeleteMapping("/clients/{id}")
    ResponseEntity<Void> removeClient(@PathVariable long id) {
        return removed(clients.remove(id), "no client rule with id " + id);
    }

    @GetMapping("/ip-bans")
    List<IpBans.Ban> bans() {
        return bans.bans();
    }

    @PostMapping("/ip-bans")
    ResponseEntity<IpBans.Ban> ban(@RequestBody NewBan body) {
        Map<String, String> errors = new LinkedHashMap<>();
        Cidr network = body == null ? null : Cidr.parse(body.network()).orElse(null);
        if (network == null) {
            errors.put("network", "required: an IPv4 or IPv6 address, or a network such as 192.0.2.0/24 or 2001:db8::/32");
        }
        if (body == null || body.reason() == null || body.reason().isBlank() || body.reason().length() > 200) {
            errors.put("reason", "required: 1 to 200 characters, shown to clients");
        }
        if (!errors.isEmpty()) {
            throw ApiProblems.invalid(errors);
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(bans.add(network, body.reason())
                .orElseThrow(() -> ApiProblems.conflict(network.text() + " is banned already")));
    }

    @DeleteMapping("/ip-bans/{id}")
    ResponseEntity<Void> unban(@PathVariable long id) {
        return removed(bans.remove(id), "no ban with id " + id);
    }

    @GetMapping("/site-events")
    List<SiteEvents.SiteEvent> siteEvents() {
        return siteEvents.events();
    }

    /** A global freeleech ({@code downloadFactor} 0) and/or double upload ({@code uploadFactor} 2) for a period. */
    @PostMapping("/site-events")
    ResponseEntity<SiteEvents.SiteEvent> addSiteEvent(@RequestBody NewSiteEvent body) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (body == null || body.name() == null || body.name().isBlank() || body.name().length() > 255) {
            errors.put("name", "required: 1 to 255 characters");
        }
        Double download = body == null ? null : body.downloadFactor();
        Double upload = body == null ? null : body.uploadFactor();
        if (download == null && upload == null) {
            errors.put("downloadFactor", "give downloadFactor and/or uploadFactor (one left out keeps the torrents' own)");
        }
        TorrentApi.checkFactor("downloadFactor", download, errors);
        TorrentApi.checkFactor("uploadFactor", upload, errors);
        Instant startsAt = ApiProblems.instant("startsAt", body == null ? null : body.startsAt(), errors);
        Instant endsAt = ApiProblems.instant("endsAt", body == null ? null : body.endsAt(), errors);
        if (startsAt != null && endsAt != null && !endsAt.isAfter(startsAt)) {
            errors.put("endsAt", "must be after startsAt");
        }
        if (!errors.isEmpty()) {
            throw ApiProblems.invalid(errors);
        }
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(siteEvents.add(body.name(), download, upload, startsAt, endsAt));
    }

    @DeleteMapping("/site-events/{id}")
    ResponseEntity<Void> removeSiteEvent(@PathVariable long id) {
        return removed(siteEvents.remove(id), "no site event with id " + id);
    }

    /** 204 when something was removed, else 404 with {@code missing} as the detail. */
    private static ResponseEntity<Void> removed(boolean removed, String missing) {
        if (!removed) {
            throw ApiProblems.notFound(missing);
        }
        return ResponseEntity.noContent().build();
    }

}
