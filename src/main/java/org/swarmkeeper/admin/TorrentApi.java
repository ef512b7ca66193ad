package org.swarmkeeper.admin;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.protocol.PeerAddresses;
import org.swarmkeeper.swarm.PeerState;
import org.swarmkeeper.swarm.Swarm;
import org.swarmkeeper.swarm.SwarmCounts;
import org.swarmkeeper.swarm.SwarmRegistry;
import org.swarmkeeper.torrents.Torrent;
import org.swarmkeeper.torrents.TorrentCatalog;
import org.swarmkeeper.users.UserDirectory;

@RestController
@RequestMapping("/api/torrents")
class TorrentApi {

    private static final Pattern HEX40 = Pattern.compile("[0-9a-fA-F]{40}");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");

    /** {@code infoHashV2}: the full 64-hex SHA-256 of a v2 or hybrid torrent (BEP 52), optional. */
    record RegisterTorrent(String infoHash, String infoHashV2, String name, Long size) {
    }

    record TorrentView(long id, String infoHash, String infoHashV2, String name, long size, Instant createdAt) {
    }

    record PeerView(long userId, String user, String client, String peerId, List<String> addresses,
                    long uploaded, long downloaded, long left, boolean seeding, boolean partialSeed,
                    Instant lastAnnounce) {
    }

    record SwarmView(long id, String infoHash, String name, long size, int seeders, int leechers,
                     int partialSeeds, long snatches, List<PeerView> peers) {
    }

    private final TorrentCatalog torrents;
    private final SwarmRegistry swarms;
    private final UserDirectory users;

    TorrentApi(TorrentCatalog torrents, SwarmRegistry swarms, UserDirectory users) {
        this.torrents = torrents;
        this.swarms = swarms;
        this.users = users;
    }

    @PostMapping
    ResponseEntity<TorrentView> register(@RequestBody RegisterTorrent body) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (body == null || body.infoHash() == null || !HEX40.matcher(body.infoHash()).matches()) {
            errors.put("infoHash", "required: 40 hex digits (the v1 SHA-1 info hash)");
        }
        if (body != null && body.infoHashV2() != null && !HEX64.matcher(body.infoHashV2()).matches()) {
            errors.put("infoHashV2", "optional: 64 hex digits (the v2 SHA-256 info hash)");
        }
        if (body == null || body.name() == null || body.name().isBlank() || body.name().length() > 255) {
            errors.put("name", "required: 1 to 255 characters");
        }
        if (body == null || body.size() == null || body.size() < 0) {
            errors.put("size", "required: total size in bytes, 0 or more");
        }
        if (!errors.isEmpty()) {
            throw ApiProblems.invalid(errors);
        }
        byte[] v2 = body.infoHashV2() == null ? null : HexFormat.of().parseHex(body.infoHashV2());
        Torrent torrent = torrents.register(InfoHash.fromHex(body.infoHash()), v2, body.name(), body.size())
                .orElseThrow(() -> ApiProblems.conflict("info hash already registered"));
        URI location = ServletUriComponentsBuilder.fromCurrentRequest().path("/{hash}")
                .buildAndExpand(torrent.getInfoHash().hex()).toUri();
        return ResponseEntity.created(location).body(view(torrent));
    }

    @GetMapping("/{infoHash}")
    SwarmView show(@PathVariable String infoHash) {
        if (!HEX40.matcher(infoHash).matches()) {
            throw ApiProblems.invalid(Map.of("infoHash", "40 hex digits"));
        }
        Torrent torrent = torrents.find(InfoHash.fromHex(infoHash))
                .orElseThrow(() -> ApiProblems.notFound("no torrent registered under " + infoHash));
        Swarm swarm = swarms.find(torrent.getId());
        SwarmCounts counts = swarms.counts(torrent.getId(), torrent.getSnatches());
        List<PeerState> peers = swarm == null ? List.of() : swarm.activePeers();
        Set<Long> userIds = peers.stream().map(PeerState::userId).collect(Collectors.toSet());
        Map<Long, String> names = users.names(userIds);
        List<PeerView> peerViews = new ArrayList<>(peers.size());
        for (PeerState peer : peers) {
            List<String> addresses = new ArrayList<>(2);
            for (byte[] endpoint : new byte[][] {peer.compactV4(), peer.compactV6()}) {
                if (endpoint != null) {
                    String ip = PeerAddresses.address(endpoint).getHostAddress();
                    addresses.add((endpoint.length == PeerAddresses.COMPACT_V6 ? "[" + ip + "]" : ip)
                            + ":" + PeerAddresses.port(endpoint));
                }
            }
            peerViews.add(new PeerView(peer.userId(), names.get(peer.userId()), peer.userAgent(),
                    peer.peerId().printable(), addresses, peer.uploaded(), peer.downloaded(), peer.left(),
                    peer.seeding(), peer.partialSeed(), Instant.ofEpochMilli(peer.lastAnnounceMillis())));
        }
        return new SwarmView(torrent.getId(), torrent.getInfoHash().hex(), torrent.getName(), torrent.getSize(),
                counts.seeders(), counts.leechers(), counts.partialSeeds(), counts.snatches(), peerViews);
    }

    private static TorrentView view(Torrent torrent) {
        byte[] v2 = torrent.getInfoHashV2();
        return new TorrentView(torrent.getId(), torrent.getInfoHash().hex(),
                v2 == null ? null : HexFormat.of().formatHex(v2), torrent.getName(), torrent.getSize(),
                torrent.getCreatedAt());
    }
}
