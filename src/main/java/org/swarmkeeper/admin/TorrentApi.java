package org.swarmkeeper.admin;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.protocol.PeerAddresses;
import org.swarmkeeper.swarm.PeerState;
import org.swarmkeeper.swarm.Swarm;
import org.swarmkeeper.swarm.SwarmCounts;
import org.swarmkeeper.swarm.SwarmRegistry;
import org.swarmkeeper.torrents.Moderation;
import org.swarmkeeper.torrents.RegisteredTorrent;
import org.swarmkeeper.torrents.Torrent;
import org.swarmkeeper.torrents.TorrentCatalog;
import org.swarmkeeper.torrents.TorrentChanges;
import org.swarmkeeper.users.UserDirectory;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/torrents")
class TorrentApi {

    private static final Pattern HEX40 = Pattern.compile("[0-9a-fA-F]{40}");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");

    /** {@code infoHashV2}: the full 64-hex SHA-256 of a v2 or hybrid torrent (BEP 52), optional. */
    /**
     * {@code uploaderId}: the user who uploaded it, optional (the uploader may announce it while pending);
     * {@code moderation}: {@code approved} (the default) or {@code pending}.
     */
    record RegisterTorrent(String infoHash, String infoHashV2, String name, Long size, Long uploaderId,
                           String moderation) {
    }

    record TorrentView(long id, String infoHash, String infoHashV2, String name, long size, double downloadFactor,
                       double uploadFactor, Instant freeleechUntil, Instant doubleUploadUntil, String moderation,
                       String moderationReason, Long uploaderId, Instant deletedAt, String deletionReason,
                       Instant createdAt) {
    }

    /** The fields PATCH changes; the others are left as they are. */
    private static final Set<String> CHANGEABLE = Set.of("downloadFactor", "uploadFactor", "freeleechUntil",
            "doubleUploadUntil", "moderation", "moderationReason");

    record Deletion(String reason) {
    }

    /** {@code connectable}: what the tracker's probe of the peer's port found, {@code null} when not probed. */
    record PeerView(long userId, String user, String client, String peerId, List<String> addresses,
                    long uploaded, long downloaded, long left, boolean seeding, boolean partialSeed,
                    Boolean connectable, Instant lastAnnounce) {
    }

    /** A list entry: the torrent with its live numbers on this node. */
    record TorrentSummary(long id, String infoHash, String infoHashV2, String name, long size, int seeders,
                          int leechers, int partialSeeds, long snatches, double downloadFactor, double uploadFactor,
                          Instant deletedAt, Instant createdAt) {
    }

    private record Listed(RegisteredTorrent torrent, SwarmCounts counts) {

        int peers() {
            return counts.seeders() + counts.leechers() + counts.partialSeeds();
        }
    }

    private static final Map<String, Comparator<Listed>> ORDER = Map.of(
            "seeders", Comparator.comparingInt(listed -> listed.counts().seeders()),
            "leechers", Comparator.comparingInt(listed -> listed.counts().leechers()),
            "peers", Comparator.comparingInt(Listed::peers),
            "snatches", Comparator.comparingLong(listed -> listed.counts().snatches()),
            "size", Comparator.comparingLong(listed -> listed.torrent().size()),
            "age", Comparator.comparingLong(listed -> -listed.torrent().id()), // ids grow with registration
            "name", Comparator.comparing(listed -> listed.torrent().name(), String.CASE_INSENSITIVE_ORDER));

    record SwarmView(long id, String infoHash, String name, long size, double downloadFactor, double uploadFactor,
                     Instant freeleechUntil, Instant doubleUploadUntil, String moderation, String moderationReason,
                     Instant deletedAt, String deletionReason, int seeders, int leechers, int partialSeeds,
                     long snatches, List<PeerView> peers) {
    }

    private final TorrentCatalog torrents;
    private final SwarmRegistry swarms;
    private final UserDirectory users;
    private final Clock clock;

    TorrentApi(TorrentCatalog torrents, SwarmRegistry swarms, UserDirectory users, Clock clock) {
        this.torrents = torrents;
        this.swarms = swarms;
        this.users = users;
        this.clock = clock;
    }

    static boolean isInfoHash(String hex) {
        return hex != null && HEX40.matcher(hex).matches();
    }

    private static InfoHash infoHash(String hex) {
        if (!isInfoHash(hex)) {
            throw ApiProblems.invalid(Map.of("infoHash", "40 hex digits"));
        }
        return InfoHash.fromHex(hex);
    }

    private static RuntimeException notRegistered(String infoHash) {
        return ApiProblems.notFound("no torrent registered under " + infoHash);
    }

    /**
     * Changes the given fields only: {@code downloadFactor}, {@code uploadFactor} (0 = freeleech or neutral, 2 =
     * double upload), {@code freeleechUntil} and {@code doubleUploadUntil} (ISO-8601 instants at which they end by
     * themselves, {@code null} to end them now), {@code moderation} ({@code pending}, {@code approved},
     * {@code rejected}, {@code postponed}) with {@code moderationReason} (required for rejected and postponed: the
     * failure reason clients get).
     */
    @PatchMapping("/{infoHash}")
    TorrentView change(@PathVariable String infoHash, @RequestBody JsonNode body) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (body == null || !body.isObject() || body.isEmpty()) {
            throw ApiProblems.invalid(Map.of("body", "a JSON object with the fields to change: "
                    + String.join(", ", new TreeSet<>(CHANGEABLE))));
        }
        body.propertyNames().stream().filter(field -> !CHANGEABLE.contains(field)).forEach(field -> errors.put(field,
                "unknown field; changeable: " + String.join(", ", new TreeSet<>(CHANGEABLE))));
        Double downloadFactor = factor(body, "downloadFactor", errors);
        Double uploadFactor = factor(body, "uploadFactor", errors);
        Optional<Instant> freeleechUntil = until(body, "freeleechUntil", errors);
        Optional<Instant> doubleUploadUntil = until(body, "doubleUploadUntil", errors);
        Moderation moderation = null;
        String reason = null;
        if (body.has("moderation")) {
            JsonNode state = body.get("moderation");
            moderation = state.isString() ? Moderation.of(state.asString()).orElse(null) : null;
            if (moderation == null) {
                errors.put("moderation", "pending, approved, rejected or postponed");
            }
            JsonNode reasonNode = body.get("moderationReason");
            if (reasonNode != null && !reasonNode.isNull()) {
                if (!reasonNode.isString() || reasonNode.asString().isBlank() || reasonNode.asString().length() > 255) {
                    errors.put("moderationReason", "1 to 255 characters, shown to clients");
                } else {
                    reason = reasonNode.asString();
                }
            } else if (moderation == Moderation.REJECTED || moderation == Moderation.POSTPONED) {
                errors.put("moderationReason", "required for " + moderation.code() + ": clients are told it");
            }
        } else if (body.has("moderationReason")) {
            errors.put("moderationReason", "goes with moderation");
        }
        if (!errors.isEmpty()) {
            throw ApiProblems.invalid(errors);
        }
        return view(torrents.change(infoHash(infoHash), new TorrentChanges(downloadFactor, uploadFactor,
                freeleechUntil, doubleUploadUntil, moderation, reason)).orElseThrow(() -> notRegistered(infoHash)));
    }

    private static Double factor(JsonNode body, String field, Map<String, String> errors) {
        if (!body.has(field)) {
            return null;
        }
        JsonNode value = body.get(field);
        Double factor = value.isNumber() ? value.asDouble() : Double.NaN;
        checkFactor(field, factor, errors);
        return errors.containsKey(field) ? null : factor;
    }

    static void checkFactor(String field, Double factor, Map<String, String> errors) {
        if (factor != null && !(factor >= 0 && factor <= 10)) {
            errors.put(field, "from 0 to 10: the share of bytes credited (0 = not counted, 2 = doubled)");
        }
    }

    /** Absent: {@code null} (unchanged); JSON null: empty (ended); otherwise the instant. */
    private static Optional<Instant> until(JsonNode body, String field, Map<String, String> errors) {
        if (!body.has(field)) {
            return null;
        }
        JsonNode value = body.get(field);
        if (value.isNull()) {
            return Optional.empty();
        }
        Instant instant = ApiProblems.instant(field, value.isString() ? value.asString() : null, errors);
        return instant == null ? null : Optional.of(instant);
    }

    /** The uploader and the first moderation state of a torrent being registered, checked. */
    record Registration(Long uploaderId, Moderation moderation) {
    }

    static Registration registration(Long uploaderId, String moderation, UserDirectory users,
                                     Map<String, String> errors) {
        if (uploaderId != null && users.byId(uploaderId) == null) {
            errors.put("uploaderId", "no user " + uploaderId);
        }
        Moderation state = moderation == null ? Moderation.APPROVED : Moderation.of(moderation)
                .filter(m -> m == Moderation.APPROVED || m == Moderation.PENDING).orElse(null);
        if (state == null) {
            errors.put("moderation", "approved (the default) or pending");
        }
        return new Registration(uploaderId, state);
    }

    /** Clients announcing it are then told "torrent deleted: {@code reason}". */
    @DeleteMapping("/{infoHash}")
    TorrentView delete(@PathVariable String infoHash, @RequestBody Deletion body) {
        if (body == null || body.reason() == null || body.reason().isBlank() || body.reason().length() > 200) {
            throw ApiProblems.invalid(Map.of("reason", "required: 1 to 200 characters, shown to clients"));
        }
        return view(torrents.delete(infoHash(infoHash), body.reason(), clock.instant())
                .orElseThrow(() -> notRegistered(infoHash)));
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
        Registration registration = body == null ? null
                : registration(body.uploaderId(), body.moderation(), users, errors);
        if (!errors.isEmpty()) {
            throw ApiProblems.invalid(errors);
        }
        byte[] v2 = body.infoHashV2() == null ? null : HexFormat.of().parseHex(body.infoHashV2());
        Torrent torrent = torrents.register(InfoHash.fromHex(body.infoHash()), v2, body.name(), body.size(),
                        registration.uploaderId(), registration.moderation())
                .orElseThrow(() -> ApiProblems.conflict("info hash already registered"));
        return ResponseEntity.created(location(torrent)).body(view(torrent));
    }

    /** Where a torrent just registered by this request can be read. */
    static URI location(Torrent torrent) {
        return ServletUriComponentsBuilder.fromCurrentRequest().path("/{hash}")
                .buildAndExpand(torrent.getInfoHash().hex()).toUri();
    }

    /**
     * Torrents page by page with their live numbers, sorted by seeders, leechers, peers, snatches, size, age or
     * name, optionally only those whose name contains {@code search}. Sorted in memory: the live numbers
     * are there, and every registered torrent is held in memory anyway.
     */
    @GetMapping
    Paging.Page<TorrentSummary> list(@RequestParam(defaultValue = "0") int page,
                                     @RequestParam(defaultValue = "50") int size,
                                     @RequestParam(defaultValue = "age") String sort,
                                     @RequestParam(required = false) String search) {
        Paging paging = Paging.of(page, size, sort, ORDER.keySet());
        if (search != null && search.length() > 255) {
            throw ApiProblems.invalid(Map.of("search", "at most 255 characters"));
        }
        String needle = search == null ? null : search.toLowerCase(Locale.ROOT);
        Comparator<Listed> order = ORDER.get(paging.sortKey());
        List<Listed> matching = torrents.all().stream()
                .filter(torrent -> needle == null || torrent.name().toLowerCase(Locale.ROOT).contains(needle))
                .map(torrent -> new Listed(torrent, swarms.counts(torrent.id(), torrent.snatches())))
                .sorted((paging.descending() ? order.reversed() : order)
                        .thenComparingLong(listed -> listed.torrent().id()))
                .toList();
        List<Listed> onPage = matching.stream().skip(paging.offset()).limit(paging.size()).toList();
        Map<Long, Torrent> rows = torrents.rows(onPage.stream().map(listed -> listed.torrent().id()).toList());
        List<TorrentSummary> items = onPage.stream().filter(listed -> rows.containsKey(listed.torrent().id()))
                .map(listed -> summary(rows.get(listed.torrent().id()), listed.counts())).toList();
        return paging.page(items, matching.size());
    }

    private static TorrentSummary summary(Torrent torrent, SwarmCounts counts) {
        TorrentView view = view(torrent);
        return new TorrentSummary(view.id(), view.infoHash(), view.infoHashV2(), view.name(), view.size(),
                counts.seeders(), counts.leechers(), counts.partialSeeds(), counts.snatches(), view.downloadFactor(),
                view.uploadFactor(), view.deletedAt(), view.createdAt());
    }

    @GetMapping("/{infoHash}")
    SwarmView show(@PathVariable String infoHash) {
        Torrent torrent = torrents.find(infoHash(infoHash)).orElseThrow(() -> notRegistered(infoHash));
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
                    String ip = PeerAddresses.host(endpoint);
                    addresses.add((endpoint.length == PeerAddresses.COMPACT_V6 ? "[" + ip + "]" : ip)
                            + ":" + PeerAddresses.port(endpoint));
                }
            }
            peerViews.add(new PeerView(peer.userId(), names.get(peer.userId()), peer.userAgent(),
                    peer.peerId().printable(), addresses, peer.uploaded(), peer.downloaded(), peer.left(),
                    peer.seeding(), peer.partialSeed(), switch (peer.reachability()) {
                        case CONNECTABLE -> true;
                        case UNCONNECTABLE -> false;
                        case UNKNOWN -> null;
                    }, Instant.ofEpochMilli(peer.lastAnnounceMillis())));
        }
        return new SwarmView(torrent.getId(), torrent.getInfoHash().hex(), torrent.getName(), torrent.getSize(),
                torrent.getDownloadFactor(), torrent.getUploadFactor(), torrent.getFreeleechUntil(),
                torrent.getDoubleUploadUntil(), torrent.getModeration().code(), torrent.getModerationReason(),
                torrent.getDeletedAt(), torrent.getDeletionReason(), counts.seeders(), counts.leechers(), counts.partialSeeds(), counts.snatches(), peerViews);
    }

    static TorrentView view(Torrent torrent) {
        byte[] v2 = torrent.getInfoHashV2();
        return new TorrentView(torrent.getId(), torrent.getInfoHash().hex(),
                v2 == null ? null : HexFormat.of().formatHex(v2), torrent.getName(), torrent.getSize(),
                torrent.getDownloadFactor(), torrent.getUploadFactor(), torrent.getFreeleechUntil(),
                torrent.getDoubleUploadUntil(), torrent.getModeration().code(), torrent.getModerationReason(),
                torrent.getUploaderId(), torrent.getDeletedAt(), torrent.getDeletionReason(), torrent.getCreatedAt());
    }
}
