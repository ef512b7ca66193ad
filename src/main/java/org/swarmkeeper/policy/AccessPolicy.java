package org.swarmkeeper.policy;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

import org.springframework.stereotype.Component;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.AnnounceRequest;
import org.swarmkeeper.protocol.PeerAddresses;
import org.swarmkeeper.economy.UserClass;
import org.swarmkeeper.economy.UserClasses;
import org.swarmkeeper.swarm.PeerState;
import org.swarmkeeper.swarm.SwarmRegistry;
import org.swarmkeeper.torrents.Moderation;
import org.swarmkeeper.torrents.RegisteredTorrent;
import org.swarmkeeper.users.UserAccount;

/**
 * The per-announce rules, in a fixed order; the first denial wins. Before the swarm: address ban, account
 * disabled, torrent deleted, torrent not approved (its uploader may announce it while pending), client
 * allow-list, port, leech rights. In the swarm (under its lock, see
 * {@link #checkPeer}): peers per user and torrent, then re-announcing before {@code min interval}, which is
 * a warning, never a refusal. Every denial and warning is logged with {@link PolicyEvents}.
 */
@Component
public class AccessPolicy {

    static final String ACCOUNT_RULE = "account";
    static final String TORRENT_RULE = "torrent";
    static final String PORT_RULE = "port";
    static final String PEER_LIMIT_RULE = "peer_limit";
    static final String MIN_INTERVAL_RULE = "min_interval";
    static final String CLASS_RULE = ScheduledRules.CLASS_RULE;

    private final IpBans ipBans;
    private final ClientAllowList clients;
    private final LeechRights leechRights;
    private final PolicyEvents events;
    private final CheatDetector cheats;
    private final UserClasses classes;
    private final SwarmRegistry swarms;
    private final BitSet blockedPorts;
    private final boolean enforceClientList;
    private final int maxPeersPerTorrent;
    private final long minIntervalToleranceMillis;

    AccessPolicy(IpBans ipBans, ClientAllowList clients, LeechRights leechRights, PolicyEvents events,
                 CheatDetector cheats, UserClasses classes, SwarmRegistry swarms, PolicyProperties properties) {
        this.classes = classes;
        this.swarms = swarms;
        this.ipBans = ipBans;
        this.clients = clients;
        this.leechRights = leechRights;
        this.events = events;
        this.cheats = cheats;
        this.blockedPorts = ports(properties.blockedPorts());
        this.enforceClientList = properties.enforceClientList();
        this.maxPeersPerTorrent = properties.maxPeersPerTorrent();
        this.minIntervalToleranceMillis = properties.minIntervalTolerance().toMillis();
    }

    /** The denial of this announce before it reaches the swarm, or {@code null} when it may proceed. */
    public Decision check(UserAccount user, RegisteredTorrent torrent, AnnounceRequest request, InetAddress address,
                          String userAgent, long nowMillis) {
        Decision denial = firstDenial(user, torrent, request, address, userAgent);
        if (denial != null) {
            events.recordLater(user.id(), torrent.id(), denial, nowMillis);
        }
        return denial;
    }

    private Decision firstDenial(UserAccount user, RegisteredTorrent torrent, AnnounceRequest request,
                                 InetAddress address, String userAgent) {
        Decision banned = ipBans.check(address);
        if (banned != null) {
            return banned;
        }
        if (!user.enabled()) {
            return Decision.denied(ACCOUNT_RULE, "account_disabled", user.disabledReason() == null
                    ? "account disabled" : "account disabled: " + user.disabledReason());
        }
        if (torrent.deleted()) {
            return Decision.denied(TORRENT_RULE, "torrent_deleted", "torrent deleted: " + torrent.deletionReason());
        }
        if (torrent.moderation() != Moderation.APPROVED
                && !(torrent.moderation() == Moderation.PENDING && torrent.uploaderId() == user.id())) {
            return Decision.denied(TORRENT_RULE, "torrent_" + torrent.moderation().code(), switch (torrent.moderation()) {
                case PENDING -> "torrent is awaiting approval by the moderators";
                case REJECTED -> "torrent rejected by the moderators: " + torrent.moderationReason();
                default -> "torrent postponed by the moderators: " + torrent.moderationReason();
            });
        }
        if (enforceClientList) {
            Decision client = clients.check(request.peerId(), userAgent);
            if (client != null) {
                return client;
            }
        }
        if (blockedPorts.get(request.port())) {
            return Decision.denied(PORT_RULE, "port_blocked", "port " + request.port()
                    + " is not allowed: configure your client to listen on another port");
        }
        if (leeching(request)) {
            return leechRights.checkLeeching(user, torrent.id());
        }
        return null;
    }

    /**
     * The swarm's rules for this announce, given the peer's {@code previous} state (or {@code null}), the
     * user's active peers in the swarm and whether one of them is downloading; {@code minInterval} is the one sent
     * to clients. An announce that starts a download of this torrent must find a free download slot of the user's
     * class, and a torrent older than the class's leech wait. Call while holding the swarm's lock, so that the
     * check and the announce it admits are one step. A denial refuses the announce; a warning admits it
     * (credited as usual) but answers without peers.
     */
    public Decision checkPeer(UserAccount user, RegisteredTorrent torrent, AnnounceRequest request,
                              PeerState previous, int activePeersOfUser, boolean userLeechingHere,
                              InetAddress address, Duration minInterval, long nowMillis) {
        Decision decision = null;
        boolean joining = previous == null || !previous.active();
        boolean viaV6 = !PeerAddresses.isV4(address);
        if (!joining && hijacked(previous, request, address)) {
            String evidence = "peer_id " + request.peerId().printable().substring(0, 8) + " is live with another key "
                    + "at another address; refused from " + address.getHostAddress();
            cheats.hijack(user, torrent, evidence, nowMillis);
            return Decision.denied(CheatDetector.RULE, CheatDetector.PEER_HIJACK,
                    "peer_id already in use by another client: restart your client");
        }
        if (leeching(request) && !userLeechingHere) {
            Decision classDenial = classDenial(user, torrent, nowMillis);
            if (classDenial != null) {
                events.recordLater(user.id(), torrent.id(), classDenial, nowMillis);
                return classDenial;
            }
        }
        if (joining && request.event() != AnnounceEvent.STOPPED && activePeersOfUser >= maxPeersPerTorrent) {
            decision = Decision.denied(PEER_LIMIT_RULE, "peer_limit", "too many clients: at most "
                    + maxPeersPerTorrent + " active peers per user on one torrent; stop one of the others first");
        } else if (!joining && request.event() == AnnounceEvent.NONE && previous.lastViaV6() == viaV6
                && previous.hasKey(request.key())
                && nowMillis - previous.lastAnnounceMillis() < minInterval.toMillis() - minIntervalToleranceMillis) {
            decision = new Decision(MIN_INTERVAL_RULE, "warned", "announce_too_soon", "announced too soon: wait "
                    + minInterval.toMinutes() + " min between announces (min interval); no peers this time");
        }
        if (decision != null) {
            events.recordLater(user.id(), torrent.id(), decision, nowMillis);
        }
        return decision;
    }

    /** Why the user's class does not let the user start downloading this torrent now, or {@code null}. */
    private Decision classDenial(UserAccount user, RegisteredTorrent torrent, long nowMillis) {
        UserClass userClass = classes.of(user);
        long waitMillis = userClass.leechWait().toMillis();
        if (waitMillis > 0 && nowMillis - torrent.createdAtMillis() < waitMillis) {
            return Decision.denied(CLASS_RULE, "leech_wait", "your class (" + userClass.name() + ") may download a "
                    + "torrent " + userClass.leechWait().toHours() + " h after its upload: from "
                    + Instant.ofEpochMilli(torrent.createdAtMillis() + waitMillis).truncatedTo(ChronoUnit.SECONDS));
        }
        int slots = userClass.downloadSlots();
        if (slots > 0 && swarms.leechingTorrents(user.id()) >= slots) {
            return Decision.denied(CLASS_RULE, "download_slots", "download slots full: your class ("
                    + userClass.name() + ") downloads " + slots + " torrent" + (slots == 1 ? "" : "s")
                    + " at once; finish or stop one first (seeding is not limited)");
        }
        return null;
    }

    /**
     * Another client claiming a live peer: a different (or missing) {@code key}, from an address other than the
     * peer's endpoint of that family. The same client moving to a new address keeps its key.
     */
    private static boolean hijacked(PeerState previous, AnnounceRequest request, InetAddress address) {
        if (previous.hasKey(null) || previous.hasKey(request.key())) {
            return false; // leaving the key out counts as another key once the peer has one
        }
        // Only against the endpoint of the same address family: a dual-stack client may use one key per family
        // (BEP 7), so its first announce over the other family is never taken for a hijack.
        byte[] sameFamily = PeerAddresses.isV4(address) ? previous.compactV4() : previous.compactV6();
        return sameFamily != null && !sameAddress(sameFamily, address.getAddress());
    }

    private static boolean sameAddress(byte[] endpoint, byte[] address) {
        return endpoint != null && endpoint.length == address.length + 2
                && Arrays.equals(endpoint, 0, address.length, address, 0, address.length);
    }

    /** Downloading: not complete, not a BEP 21 partial seed, not leaving. */
    private static boolean leeching(AnnounceRequest request) {
        return request.left() > 0 && request.event() != AnnounceEvent.PAUSED && request.event() != AnnounceEvent.STOPPED;
    }

    private static BitSet ports(List<String> entries) {
        BitSet blocked = new BitSet(65536);
        for (String entry : entries) {
            String[] range = entry.trim().split("-");
            int from = Integer.parseInt(range[0].trim());
            int to = range.length > 1 ? Integer.parseInt(range[1].trim()) : from;
            if (range.length > 2 || from < 0 || to > 65535 || from > to) {
                throw new IllegalArgumentException("tracker.policy.blocked-ports entry '" + entry
                        + "' is not a port or a from-to range within 0-65535");
            }
            blocked.set(from, to + 1);
        }
        return blocked;
    }
}
