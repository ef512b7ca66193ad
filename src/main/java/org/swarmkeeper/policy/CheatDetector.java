package org.swarmkeeper.policy;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.AnnounceRequest;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.swarm.PeerState;
import org.swarmkeeper.torrents.RegisteredTorrent;
import org.swarmkeeper.users.AccountChanges;
import org.swarmkeeper.users.UserAccount;
import org.swarmkeeper.users.UserDirectory;

/**
 * Online cheat detection: every announce is compared with the peer's previous one before the swarm records it
 * (under the swarm's lock, so one torrent's announces are inspected one at a time). Each finding is a
 * {@code policy_events} row with rule {@code cheat}, the finding as code, the action taken as outcome and the
 * evidence in numbers, counted in {@code tracker.cheat.flags{rule}}; the action ({@link CheatProperties}) is a
 * flag, withheld upload credit for the announce, or leech rights taken away.
 */
@Component
public class CheatDetector {

    private static final Logger log = LoggerFactory.getLogger(CheatDetector.class);

    static final String RULE = "cheat";
    static final String UPLOAD_SPEED = "upload_speed";
    static final String CONSERVATION = "conservation";
    static final String COMPLETED_WITHOUT_DOWNLOAD = "completed_without_download";
    static final String COUNTER_RESETS = "counter_resets";
    static final String CLIENT_MISMATCH = "client_mismatch";
    static final String PEER_HIJACK = "peer_hijack";
    private static final long MIB = 1L << 20;
    /** Past this many peers with counted resets, expired counts are dropped: memory stays bounded. */
    private static final int MAX_TRACKED_PEERS = 100_000;

    /**
     * Per torrent: what each user downloaded and uploaded in the current and the previous window, and the
     * torrent's download totals, kept as running sums so an announce costs a few map lookups.
     */
    private static final class TorrentWindow {
        long start;
        Map<Long, long[]> current = new HashMap<>();
        Map<Long, long[]> previous = new HashMap<>();
        long currentDownloaded;
        long previousDownloaded;

        /** Downloaded ([0]) and uploaded ([1]) by one user over both windows. */
        long transferredBy(long userId, int index) {
            long[] now = current.get(userId);
            long[] before = previous.get(userId);
            return (now == null ? 0 : now[index]) + (before == null ? 0 : before[index]);
        }

        void roll(long nowMillis, long length) {
            boolean gap = nowMillis - start >= 2 * length;
            previous = gap ? new HashMap<>() : current;
            previousDownloaded = gap ? 0 : currentDownloaded;
            current = new HashMap<>();
            currentDownloaded = 0;
            start = nowMillis;
        }

        void add(long userId, long downloaded, long uploaded) {
            long[] transfer = current.computeIfAbsent(userId, id -> new long[2]);
            transfer[0] += downloaded;
            transfer[1] += uploaded;
            currentDownloaded += downloaded;
        }
    }

    private record PeerKey(long torrentId, long userId, PeerId peerId) {
    }

    /** Counter resets of one peer within the reset window. */
    private record Resets(long since, int count) {
    }

    private final ClientAllowList clients;
    private final PolicyEvents events;
    private final UserDirectory users;
    private final CheatProperties properties;
    private final MeterRegistry meters;
    private final ConcurrentMap<String, Counter> flags = new ConcurrentHashMap<>();
    private final ConcurrentMap<Long, TorrentWindow> windows = new ConcurrentHashMap<>();
    private final ConcurrentMap<PeerKey, Resets> resets = new ConcurrentHashMap<>();
    private volatile long lastPrune;

    CheatDetector(ClientAllowList clients, PolicyEvents events, UserDirectory users, CheatProperties properties,
                  MeterRegistry meters) {
        this.clients = clients;
        this.events = events;
        this.users = users;
        this.properties = properties;
        this.meters = meters;
    }

    /**
     * Inspects an announce the swarm is about to record; {@code previous} is the peer's last state or
     * {@code null}. Returns whether the announce's upload must be recorded raw but not credited.
     */
    public boolean inspect(UserAccount user, RegisteredTorrent torrent, AnnounceRequest request, PeerState previous,
                           String userAgent, long nowMillis) {
        boolean withhold = false;
        long uploaded = 0;
        long downloaded = 0;
        if (previous != null) {
            boolean reset = request.uploaded() < previous.uploaded() || request.downloaded() < previous.downloaded();
            uploaded = Math.max(0, request.uploaded() - previous.uploaded());
            downloaded = Math.max(0, request.downloaded() - previous.downloaded());
            if (reset) {
                withhold |= countReset(user, torrent, request, nowMillis);
            }
            // At least a second: announces closer together cannot hide a burst behind a tiny interval.
            long elapsed = Math.max(1_000, nowMillis - previous.lastAnnounceMillis());
            if (uploaded > properties.uploadCeiling().toBytes() * (elapsed / 1_000.0)) {
                withhold |= found(user, torrent, UPLOAD_SPEED, String.format(Locale.ROOT,
                        "uploaded %d bytes in %.1f s: %.1f MiB/s, above the ceiling of %d MiB/s", uploaded,
                        elapsed / 1_000.0, uploaded / (elapsed / 1_000.0) / MIB,
                        properties.uploadCeiling().toBytes() / MIB), nowMillis);
            }
        } else {
            withhold |= checkClient(user, torrent, request, userAgent, nowMillis);
        }
        if (request.event() == AnnounceEvent.COMPLETED && request.downloaded() == 0) {
            withhold |= found(user, torrent, COMPLETED_WITHOUT_DOWNLOAD,
                    "announced completed having downloaded 0 bytes of a " + torrent.size() + "-byte torrent", nowMillis);
        }
        withhold |= checkConservation(user, torrent, uploaded, downloaded, nowMillis);
        return withhold;
    }

    /** A refusal's trace: a peer_id claimed by another client from another address. */
    void hijack(UserAccount user, RegisteredTorrent torrent, String evidence, long nowMillis) {
        count(PEER_HIJACK);
        events.recordLater(user.id(), torrent.id(), new Decision(RULE, "refused", PEER_HIJACK, evidence), nowMillis);
    }

    private boolean checkClient(UserAccount user, RegisteredTorrent torrent, AnnounceRequest request, String userAgent,
                                long nowMillis) {
        ClientAllowList.ClientRule rule = clients.ruleFor(request.peerId());
        if (rule == null || rule.userAgentPrefix() == null || userAgent == null
                || userAgent.startsWith(rule.userAgentPrefix())) {
            return false;
        }
        return found(user, torrent, CLIENT_MISMATCH, "peer_id " + request.peerId().printable().substring(0, 8)
                + " names " + rule.name() + " but the User-Agent is '" + printable(userAgent) + "'", nowMillis);
    }

    private boolean countReset(UserAccount user, RegisteredTorrent torrent, AnnounceRequest request, long nowMillis) {
        long window = properties.resetWindow().toMillis();
        if (resets.size() > MAX_TRACKED_PEERS && nowMillis - lastPrune > 1_000) {
            lastPrune = nowMillis;
            resets.values().removeIf(old -> nowMillis - old.since() >= window);
        }
        Resets counted = resets.compute(new PeerKey(torrent.id(), user.id(), request.peerId()), (key, current) ->
                current == null || nowMillis - current.since() >= window ? new Resets(nowMillis, 1)
                        : new Resets(current.since(), current.count() + 1));
        if (counted.count() != properties.resetLimit() + 1) {
            return false;
        }
        return found(user, torrent, COUNTER_RESETS, counted.count() + " counter resets of one peer within "
                + properties.resetWindow().toMinutes() + " min (limit " + properties.resetLimit() + ")", nowMillis);
    }

    /**
     * Swarm conservation: what a user uploads on a torrent must have been downloaded by someone else on it.
     * Upload beyond what the other users reported downloading over the window (two consecutive windows, so a
     * window boundary forgets nothing recent), plus a slack for reports still to come, is flagged once.
     */
    private boolean checkConservation(UserAccount user, RegisteredTorrent torrent, long uploaded, long downloaded,
                                      long nowMillis) {
        if (uploaded == 0 && downloaded == 0) {
            return false;
        }
        TorrentWindow window = windows.computeIfAbsent(torrent.id(), id -> new TorrentWindow());
        long length = properties.conservationWindow().toMillis();
        if (nowMillis - window.start >= length) {
            window.roll(nowMillis, length);
        }
        long uploadedBefore = window.transferredBy(user.id(), 1);
        long othersDownloaded = window.currentDownloaded + window.previousDownloaded - window.transferredBy(user.id(), 0);
        window.add(user.id(), downloaded, uploaded);
        long limit = othersDownloaded + properties.conservationSlack().toBytes();
        if (uploaded == 0 || uploadedBefore > limit || uploadedBefore + uploaded <= limit) {
            return false;
        }
        return found(user, torrent, CONSERVATION, "uploaded " + (uploadedBefore + uploaded) + " bytes within "
                + properties.conservationWindow().toMinutes() + " min while the other users on this torrent reported "
                + "downloading " + othersDownloaded + " (slack " + properties.conservationSlack().toBytes() + ")",
                nowMillis);
    }

    /** Records a finding and applies its action; true when the announce's upload credit is withheld. */
    private boolean found(UserAccount user, RegisteredTorrent torrent, String finding, String evidence, long nowMillis) {
        CheatProperties.Action action = properties.actionFor(finding);
        String outcome = switch (action) {
            case FLAG -> "flagged";
            case WITHHOLD -> "withheld";
            case DISABLE -> "disabled";
        };
        count(finding);
        events.recordLater(user.id(), torrent.id(), new Decision(RULE, outcome, finding, evidence), nowMillis);
        if (action == CheatProperties.Action.DISABLE && user.canLeech()) {
            try {
                users.update(user.id(), new AccountChanges(null, null, false, null, null));
            } catch (RuntimeException e) {
                // PostgreSQL away: the finding is logged (it is buffered), the switch waits for staff.
                log.warn("Could not take leech rights from user {} after {}: {}", user.id(), finding, e.toString());
            }
        }
        return action == CheatProperties.Action.WITHHOLD;
    }

    private void count(String finding) {
        flags.computeIfAbsent(finding, key -> Counter.builder("tracker.cheat.flags")
                .description("Cheat detection findings by rule").tag("rule", key).register(meters)).increment();
    }

    private static String printable(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
