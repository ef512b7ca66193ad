package org.swarmkeeper.admin;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.swarmkeeper.accounting.PeerStore;
import org.swarmkeeper.policy.FreeleechTokens;
import org.swarmkeeper.policy.LeechRights;
import org.swarmkeeper.policy.PolicyEvents;
import org.swarmkeeper.policy.Standings;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.torrents.RegisteredTorrent;
import org.swarmkeeper.torrents.TorrentCatalog;
import org.swarmkeeper.users.AccountChanges;
import org.swarmkeeper.users.User;
import org.swarmkeeper.users.UserAccount;
import org.swarmkeeper.users.UserDirectory;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/users")
class UserApi {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Set<String> CHANGEABLE = Set.of("enabled", "disabledReason", "canLeech", "immune",
            "personalFreeleechUntil", "freeleechTokens");

    /** {@code passkey}: optional, 32 hex digits, to keep a user's existing passkey when migrating. */
    record CreateUser(String name, String passkey) {
    }

    /** Returned by a rotation: the new passkey and announce URL; the old ones stop working. */
    record NewPasskey(long id, String passkey, String announceUrl) {
    }

    record SpendToken(String infoHash) {
    }

    /** Returned once, at creation: the passkey and the announce URL to embed in this user's torrents. */
    record CreatedUser(long id, String name, String passkey, String announceUrl) {
    }

    /**
     * {@code uploaded}/{@code downloaded} are credited (after freeleech and multipliers), the raw ones as the
     * clients reported; {@code withheldUploaded} is raw upload not credited (beyond what the peers' active time
     * allows, or withheld by a cheat rule); {@code ratio} (credited) is {@code null} while nothing was downloaded.
     */
    record UserView(long id, String name, long uploaded, long downloaded, long rawUploaded, long rawDownloaded,
                    long withheldUploaded, Double ratio, boolean enabled, String disabledReason, boolean canLeech, boolean immune,
                    Instant personalFreeleechUntil, int freeleechTokens, long activeSeeding, long activeLeeching,
                    Standings.Standing standing, Instant createdAt) {
    }

    private final UserDirectory users;
    private final PeerStore peers;
    private final Standings standings;
    private final LeechRights leechRights;
    private final FreeleechTokens tokens;
    private final TorrentCatalog torrents;
    private final PolicyEvents events;
    private final TransactionTemplate transactions;
    private final UserListing listing;
    private final Clock clock;
    private final AnnounceUrls announceUrls;

    UserApi(UserDirectory users, PeerStore peers, Standings standings, LeechRights leechRights,
            FreeleechTokens tokens, TorrentCatalog torrents, PolicyEvents events, TransactionTemplate transactions,
            UserListing listing, Clock clock, AnnounceUrls announceUrls) {
        this.users = users;
        this.peers = peers;
        this.standings = standings;
        this.leechRights = leechRights;
        this.tokens = tokens;
        this.torrents = torrents;
        this.events = events;
        this.transactions = transactions;
        this.listing = listing;
        this.clock = clock;
        this.announceUrls = announceUrls;
    }

    /**
     * Users page by page: {@code search} in names, {@code onWatch}, {@code flagged} (has cheat flags) and
     * {@code struck} (has active hit-and-run strikes) filter; sort by name, ratio, uploaded, downloaded, created
     * (registration order, by id).
     */
    @GetMapping
    Paging.Page<UserListing.UserRow> list(@RequestParam(defaultValue = "0") int page,
                                          @RequestParam(defaultValue = "50") int size,
                                          @RequestParam(defaultValue = "name") String sort,
                                          @RequestParam(required = false) String search,
                                          @RequestParam(required = false) Boolean onWatch,
                                          @RequestParam(required = false) Boolean flagged,
                                          @RequestParam(required = false) Boolean struck) {
        if (search != null && (search.length() > 64 || search.indexOf('\0') >= 0)) {
            throw ApiProblems.invalid(Map.of("search", "at most 64 characters, no NUL"));
        }
        return listing.users(new UserListing.UserFilter(search, onWatch, flagged, struck),
                Paging.of(page, size, sort, UserListing.USER_SORT_KEYS));
    }

    /** The user's record per torrent; sort by lastSeen (default, newest first), uploaded, downloaded, name. */
    @GetMapping("/{id}/history")
    Paging.Page<UserListing.HistoryRow> history(@PathVariable long id, @RequestParam(defaultValue = "0") int page,
                                                @RequestParam(defaultValue = "50") int size,
                                                @RequestParam(defaultValue = "lastSeen,desc") String sort) {
        Paging paging = Paging.of(page, size, sort, UserListing.HISTORY_SORT_KEYS);
        users.find(id).orElseThrow(() -> notFound(id));
        return listing.history(id, paging);
    }

    private static RuntimeException notFound(long id) {
        return ApiProblems.notFound("no user with id " + id);
    }

    @PostMapping
    ResponseEntity<CreatedUser> create(@RequestBody CreateUser body) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (body == null || body.name() == null || !NAME.matcher(body.name()).matches()) {
            errors.put("name", "required: 1 to 64 of A-Z a-z 0-9 _ . -");
        }
        if (body != null && body.passkey() != null && !UserDirectory.isWellFormedPasskey(body.passkey())) {
            errors.put("passkey", "optional: an existing passkey to import, 32 hex digits");
        }
        if (!errors.isEmpty()) {
            throw ApiProblems.invalid(errors);
        }
        User user = users.create(body.name(), body.passkey())
                .orElseThrow(() -> ApiProblems.conflict("user name or passkey already taken"));
        URI location = ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}").buildAndExpand(user.getId()).toUri();
        return ResponseEntity.created(location).body(new CreatedUser(user.getId(), user.getName(), user.getPasskey(),
                announceUrls.forPasskey(user.getPasskey())));
    }

    /** A new passkey for the user (a leaked one, say): the old one is refused from now on. */
    @PostMapping("/{id}/passkey")
    NewPasskey rotatePasskey(@PathVariable long id) {
        User user = users.rotatePasskey(id).orElseThrow(() -> notFound(id));
        return new NewPasskey(id, user.getPasskey(), announceUrls.forPasskey(user.getPasskey()));
    }

    /**
     * Changes the given fields only: {@code enabled}, {@code disabledReason}, {@code canLeech}, {@code immune},
     * {@code personalFreeleechUntil} (an ISO-8601 instant, or {@code null} to end it), {@code freeleechTokens}.
     */
    @PatchMapping("/{id}")
    UserView update(@PathVariable long id, @RequestBody JsonNode body) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (body == null || !body.isObject()) {
            throw ApiProblems.invalid(Map.of("body", "a JSON object with the fields to change"));
        }
        body.propertyNames().stream().filter(field -> !CHANGEABLE.contains(field))
                .forEach(field -> errors.put(field, "unknown field; changeable: " + String.join(", ", CHANGEABLE)));
        Boolean enabled = bool(body, "enabled", errors);
        Boolean canLeech = bool(body, "canLeech", errors);
        Boolean immune = bool(body, "immune", errors);
        String disabledReason = null;
        if (body.has("disabledReason")) {
            JsonNode reason = body.get("disabledReason");
            if (!reason.isString() || reason.asString().isBlank() || reason.asString().length() > 255) {
                errors.put("disabledReason", "1 to 255 characters, shown to the user's clients");
            } else {
                disabledReason = reason.asString();
            }
        }
        Optional<Instant> freeleechUntil = null;
        if (body.has("personalFreeleechUntil")) {
            JsonNode until = body.get("personalFreeleechUntil");
            if (until.isNull()) {
                freeleechUntil = Optional.empty();
            } else {
                Instant instant = ApiProblems.instant("personalFreeleechUntil", until.isString() ? until.asString() : null,
                        errors);
                freeleechUntil = instant == null ? null : Optional.of(instant);
            }
        }
        Integer tokenBalance = null;
        if (body.has("freeleechTokens")) {
            JsonNode balance = body.get("freeleechTokens");
            if (!balance.isIntegralNumber() || !balance.canConvertToInt() || balance.asInt() < 0
                    || balance.asInt() > 1_000_000) {
                errors.put("freeleechTokens", "a whole number from 0 to 1000000: the user's token balance");
            } else {
                tokenBalance = balance.asInt();
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblems.invalid(errors);
        }
        UserAccount before = users.byId(id);
        if (before == null) {
            throw notFound(id);
        }
        AccountChanges changes = new AccountChanges(enabled, disabledReason, canLeech, immune, freeleechUntil);
        Integer balance = tokenBalance;
        events.flush(); // what announces logged so far comes before this change in the log
        transactions.executeWithoutResult(status -> {
            users.update(id, changes).orElseThrow(() -> notFound(id));
            if (balance != null) {
                tokens.grant(id, balance);
            }
            // Staff switching the flag, or giving back rights the ratio watch took; a form re-sending the
            // current state changes nothing.
            if (canLeech != null && (canLeech != before.canLeech() || (canLeech && leechRights.ratioRevoked(id)))) {
                leechRights.staffChanged(id, canLeech, clock.instant());
            }
        });
        return show(id);
    }

    private static Boolean bool(JsonNode body, String field, Map<String, String> errors) {
        if (!body.has(field)) {
            return null;
        }
        if (!body.get(field).isBoolean()) {
            errors.put(field, "true or false");
            return null;
        }
        return body.get(field).asBoolean();
    }

    @GetMapping("/{id}")
    UserView show(@PathVariable long id) {
        User user = users.find(id).orElseThrow(() -> notFound(id));
        PeerStore.ActivePeers active = peers.activePeers(id);
        Double ratio = user.getDownloaded() == 0 ? null : (double) user.getUploaded() / user.getDownloaded();
        return new UserView(user.getId(), user.getName(), user.getUploaded(), user.getDownloaded(),
                user.getRawUploaded(), user.getRawDownloaded(), user.getWithheldUploaded(), ratio, user.isEnabled(), user.getDisabledReason(),
                user.isCanLeech(), user.isImmune(), user.getPersonalFreeleechUntil(), user.getFreeleechTokens(),
                active.seeding(), active.leeching(), standings.of(users.byId(id)), user.getCreatedAt());
    }

    /** "Why was I denied?": the user's policy decisions, newest first. */
    @GetMapping("/{id}/events")
    List<PolicyEvents.Event> events(@PathVariable long id, @RequestParam(defaultValue = "100") int limit) {
        users.find(id).orElseThrow(() -> notFound(id));
        return events.forUser(id, FlagApi.checkedLimit(limit));
    }

    /** Cheat detection's findings about this user, newest first. */
    @GetMapping("/{id}/flags")
    List<PolicyEvents.Event> flags(@PathVariable long id, @RequestParam(defaultValue = "100") int limit) {
        users.find(id).orElseThrow(() -> notFound(id));
        return events.cheatFlags(id, FlagApi.checkedLimit(limit));
    }

    /** Spends one of the user's freeleech tokens on a torrent. */
    @PostMapping("/{id}/freeleech-tokens")
    ResponseEntity<UserView> spendToken(@PathVariable long id, @RequestBody SpendToken body) {
        users.find(id).orElseThrow(() -> notFound(id));
        if (body == null || !TorrentApi.isInfoHash(body.infoHash())) {
            throw ApiProblems.invalid(Map.of("infoHash", "required: 40 hex digits"));
        }
        RegisteredTorrent torrent = torrents.byInfoHash(InfoHash.fromHex(body.infoHash()));
        if (torrent == null) {
            throw ApiProblems.notFound("no torrent registered under " + body.infoHash());
        }
        return switch (tokens.spend(id, torrent.id())) {
            case SPENT -> ResponseEntity.ok(show(id));
            case NONE_LEFT -> throw ApiProblems.conflict("user has no freeleech token left");
            case ALREADY_SPENT -> throw ApiProblems.conflict("a token is already spent on this torrent");
        };
    }
}
