package org.swarmkeeper.policy;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.swarmkeeper.accounting.ActiveTime;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.AnnounceRequest;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.swarm.CreditGrant;
import org.swarmkeeper.swarm.PeerState;
import org.swarmkeeper.torrents.RegisteredTorrent;
import org.swarmkeeper.users.AccountChanges;
import org.swarmkeeper.users.UserAccount;
import org.swarmkeeper.users.UserDirectory;
import org.swarmkeeper.swarm.PeerKey;

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
    static final String DOWNLOADED_WHILE_COMPLETE = "downloaded_while_complete";
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
            return saturatedAdd(now == null ? 0 : now[index], before == null ? 0 : before[index]);
        }

        void roll(long nowMillis, long length) {
            boolean gap = nowMillis - start >= 2 * length;
            previous = gap ? new HashMap<>() : current;
            previousDownloaded = gap ? 0 : currentDownloaded;
            current = new HashMap<>();
            currentDownloaded = 0;
            start = nowMillis;
        }

        /**
         * Adds one announce's transfer. What one user downloads counts up to the torrent's size over both windows:
         * an accomplice reporting huge downloads cannot vouch for more than one copy. Sums saturate.
         */
        void add(long userId, long downloaded, long uploaded, long torrentSize) {
            long[] transfer = current.computeIfAbsent(userId, id -> new long[2]);
            long counted = Math.max(0, Math.min(downloaded, torrentSize - transferredBy(userId, 0)));
            transfer[0] = saturatedAdd(transfer[0], counted);
            transfer[1] = saturatedAdd(transfer[1], uploaded);
            currentDownloaded = saturatedAdd(currentDownloaded, counted);
        }
    }

    /** What an inspection asks of the announce. */
    public record Verdict(CreditGrant grant, Decision refusal) {
        static final Verdict ACCEPTED = new Verdict(CreditGrant.FULL, null);
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
    private final ActiveTime activeTime;
    private final Set<Long> changingAccounts = ConcurrentHashMap.newKeySet();
    private final ExecutorService accountChanges = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "cheat-account-changes");
        thread.setDaemon(true);
        return thread;
    });
    private volatile long lastPrune;

    CheatDetector(ClientAllowList clients, PolicyEvents events, UserDirectory users, CheatProperties properties,
                  ActiveTime activeTime, MeterRegistry meters) {
        this.clients = clients;
        this.events = events;
        this.users = users;
        this.properties = properties;
        this.activeTime = activeTime;
        this.meters = meters;
    }

    /**
     * Inspects an announce the swarm is about to record; {@code previous} is the peer's last state or {@code null}.
     * Returns whether the announce's upload must be recorded raw but not credited, or why it is refused.
     */
    public Verdict inspect(UserAccount user, RegisteredTorrent torrent, AnnounceRequest request, PeerState previous,
                           String userAgent, long nowMillis) {
        CreditGrant grant = CreditGrant.FULL;
        Decision refusal = null;
        long uploaded = 0;
        long downloaded = 0;
        long plausiblyDownloaded = 0;
        if (previous != null) {
            boolean reset = request.uploaded() < previous.uploaded() || request.downloaded() < previous.downloaded();
            uploaded = Math.max(0, request.uploaded() - previous.uploaded());
            downloaded = Math.max(0, request.downloaded() - previous.downloaded());
            if (reset) {
                grant = grant.and(countReset(user, torrent, request, nowMillis));
            }
            long active = activeTime.millis(previous.stopped(), previous.leeching(), previous.lastAnnounceMillis(),
                    nowMillis);
            long allowance = ActiveTime.uploadAllowance(previous.stopped(), active,
                    properties.uploadCeiling().toBytes());
            plausiblyDownloaded = Math.min(downloaded, allowance);
            if (uploaded > allowance) {
                // The ledger credits the allowance and withholds the rest when the action is withhold.
                // Judged over at least a second of a peer that did not stop, as the allowance is.
                long judged = previous.stopped() ? 0 : Math.max(1_000, active);
                grant = grant.and(found(user, torrent, UPLOAD_SPEED, String.format(Locale.ROOT,
                        "uploaded %d bytes in %.1f s of active time%s: %d allowed at the ceiling of %d MiB/s, "
                                + "%d beyond", uploaded, judged / 1_000.0, previous.stopped()
                                ? " (stopped since the last announce)" : "",
                        allowance, properties.uploadCeiling().toBytes() / MIB, uploaded - allowance), nowMillis));
            }
            if (previous.seeding() && request.left() == 0
                    && downloaded > properties.completeDownloadSlack().toBytes()) {
                refusal = downloadedWhileComplete(user, torrent, downloaded, previous, nowMillis);
            }
        } else {
            grant = grant.and(checkClient(user, torrent, request, userAgent, nowMillis));
        }
        if (request.event() == AnnounceEvent.COMPLETED && request.downloaded() == 0) {
            grant = grant.and(found(user, torrent, COMPLETED_WITHOUT_DOWNLOAD,
                    "announced completed having downloaded 0 bytes of a " + torrent.size() + "-byte torrent", nowMillis));
        }
        grant = grant.and(checkConservation(user, torrent, uploaded, plausiblyDownloaded, nowMillis));
        return grant != CreditGrant.FULL || refusal != null ? new Verdict(grant, refusal) : Verdict.ACCEPTED;
    }

    /**
     * A peer reporting {@code left=0} before and now while its download counter grows is downloading while claiming
     * to be complete. For a user without leech rights those bytes are leeching: the configured action applies
     * (flag, refuse the announce, or disable the account); for others it is a flag.
     */
    private Decision downloadedWhileComplete(UserAccount user, RegisteredTorrent torrent, long downloaded,
                                             PeerState previous, long nowMillis) {
        String evidence = "downloaded " + downloaded + " bytes since the last announce while reporting left=0 then and "
                + "now (slack " + properties.completeDownloadSlack().toBytes() + ")"
                + (user.canLeech() ? "" : "; the account has no leech rights");
        CheatProperties.Action action = user.canLeech() ? CheatProperties.Action.FLAG
                : properties.actionFor(DOWNLOADED_WHILE_COMPLETE);
        count(DOWNLOADED_WHILE_COMPLETE);
        Decision decision = new Decision(RULE, outcome(action), DOWNLOADED_WHILE_COMPLETE, evidence);
        events.recordLater(user.id(), torrent.id(), decision, nowMillis);
        if (action == CheatProperties.Action.DISABLE) {
            changeAccount(user, new AccountChanges(false, "downloaded while claiming to be complete, without leech "
                    + "rights", null, null, null), DOWNLOADED_WHILE_COMPLETE);
        }
        return action == CheatProperties.Action.REFUSE || action == CheatProperties.Action.DISABLE
                ? Decision.denied(RULE, DOWNLOADED_WHILE_COMPLETE,
                        "downloading is not allowed for this account: reported left=0 while downloading")
                : null;
    }

    /** A refusal's trace: a peer_id claimed by another client from another address. */
    void hijack(UserAccount user, RegisteredTorrent torrent, String evidence, long nowMillis) {
        count(PEER_HIJACK);
        events.recordLater(user.id(), torrent.id(), new Decision(RULE, "refused", PEER_HIJACK, evidence), nowMillis);
    }

    private CreditGrant checkClient(UserAccount user, RegisteredTorrent torrent, AnnounceRequest request, String userAgent,
                                long nowMillis) {
        ClientAllowList.ClientRule rule = clients.ruleFor(request.peerId());
        if (rule == null || rule.userAgentPrefix() == null || userAgent == null
                || userAgent.startsWith(rule.userAgentPrefix())) {
            return CreditGrant.FULL;
        }
        return found(user, torrent, CLIENT_MISMATCH, "peer_id " + request.peerId().printable().substring(0, 8)
                + " names " + rule.name() + " but the User-Agent is '" + printable(userAgent) + "'", nowMillis);
    }

    private CreditGrant countReset(UserAccount user, RegisteredTorrent torrent, AnnounceRequest request, long nowMillis) {
        long window = properties.resetWindow().toMillis();
        if (resets.size() > MAX_TRACKED_PEERS && nowMillis - lastPrune > 1_000) {
            lastPrune = nowMillis;
            resets.values().removeIf(old -> nowMillis - old.since() >= window);
        }
        Resets counted = resets.compute(PeerKey.of(torrent.id(), user.id(), request.peerId()), (key, current) ->
                current == null || nowMillis - current.since() >= window ? new Resets(nowMillis, 1)
                        : new Resets(current.since(), current.count() + 1));
        if (counted.count() != properties.resetLimit() + 1) {
            return CreditGrant.FULL;
        }
        return found(user, torrent, COUNTER_RESETS, counted.count() + " counter resets of one peer within "
                + properties.resetWindow().toMinutes() + " min (limit " + properties.resetLimit() + ")", nowMillis);
    }

    /**
     * Swarm conservation: what a user uploads on a torrent must have been downloaded by someone else on it.
     * Upload beyond what the other users reported downloading over the window (two consecutive windows, so a
     * window boundary forgets nothing recent), plus a slack for reports still to come, is flagged once.
     */
    private CreditGrant checkConservation(UserAccount user, RegisteredTorrent torrent, long uploaded, long downloaded,
                                      long nowMillis) {
        if (uploaded == 0 && downloaded == 0) {
            return CreditGrant.FULL;
        }
        TorrentWindow window = windows.computeIfAbsent(torrent.id(), id -> new TorrentWindow());
        long length = properties.conservationWindow().toMillis();
        if (nowMillis - window.start >= length) {
            window.roll(nowMillis, length);
        }
        long uploadedBefore = window.transferredBy(user.id(), 1);
        long othersDownloaded = Math.max(0, saturatedAdd(window.currentDownloaded, window.previousDownloaded)
                - window.transferredBy(user.id(), 0));
        window.add(user.id(), downloaded, uploaded, torrent.size());
        long limit = saturatedAdd(othersDownloaded, properties.conservationSlack().toBytes());
        if (uploaded == 0 || uploadedBefore > limit || saturatedAdd(uploadedBefore, uploaded) <= limit) {
            return CreditGrant.FULL;
        }
        return found(user, torrent, CONSERVATION, "uploaded " + saturatedAdd(uploadedBefore, uploaded) + " bytes within "
                + properties.conservationWindow().toMinutes() + " min while the other users on this torrent plausibly "
                + "downloaded " + othersDownloaded + " (slack " + properties.conservationSlack().toBytes() + ")",
                nowMillis);
    }

    /**
     * Records a finding and applies its action: the announce earns no seed points, and with the action
     * {@code withhold} no upload credit either.
     */
    private CreditGrant found(UserAccount user, RegisteredTorrent torrent, String finding, String evidence, long nowMillis) {
        CheatProperties.Action action = properties.actionFor(finding);
        count(finding);
        events.recordLater(user.id(), torrent.id(), new Decision(RULE, outcome(action), finding, evidence), nowMillis);
        if (action == CheatProperties.Action.DISABLE && user.canLeech()) {
            changeAccount(user, new AccountChanges(null, null, false, null, null), finding);
        }
        // Beyond-the-allowance upload is withheld by the ledger, which credits the allowance.
        return action == CheatProperties.Action.WITHHOLD && !finding.equals(UPLOAD_SPEED)
                ? CreditGrant.UPLOAD_WITHHELD : CreditGrant.NO_REWARD;
    }

    private static String outcome(CheatProperties.Action action) {
        return switch (action) {
            case FLAG -> "flagged";
            case WITHHOLD -> "withheld";
            case REFUSE -> "refused";
            case DISABLE -> "disabled";
        };
    }

    /**
     * Changes the account off the announce path: the write must not run under the swarm's lock (nor on an event
     * loop), nor wait there for a PostgreSQL that is away. One change per user at a time, so that a user tripping
     * the rule again meanwhile does not queue more.
     */
    private void changeAccount(UserAccount user, AccountChanges changes, String finding) {
        if (!changingAccounts.add(user.id())) {
            return;
        }
        accountChanges.execute(() -> {
            try {
                users.update(user.id(), changes);
            } catch (RuntimeException e) {
                // PostgreSQL away: the finding is logged (it is buffered), the switch waits for staff.
                log.warn("Could not change the account of user {} after {}: {}", user.id(), finding, e.toString());
            } finally {
                changingAccounts.remove(user.id());
            }
        });
    }

    @PreDestroy
    void stopAccountChanges() {
        accountChanges.shutdown();
    }

    private void count(String finding) {
        flags.computeIfAbsent(finding, key -> Counter.builder("tracker.cheat.flags")
                .description("Cheat detection findings by rule").tag("rule", key).register(meters)).increment();
    }

    /** Non-negative addition that stops at Long.MAX_VALUE: reported counters are the client's to choose. */
    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static String printable(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
