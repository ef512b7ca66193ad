package org.swarmkeeper.announce;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.swarmkeeper.accounting.SeedPointRates;
import org.swarmkeeper.policy.PeerGrades;
import org.swarmkeeper.policy.PolicyEvents;
import org.swarmkeeper.policy.ReseedRequests;
import org.swarmkeeper.policy.SeedObligations;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.swarm.PeerKey;
import org.swarmkeeper.swarm.SwarmCounts;
import org.swarmkeeper.users.UserAccount;

/**
 * What the tracker tells a user in their client ({@code warning message}): an unmet hit-and-run obligation on
 * leaving or completing, a ratio watch, being a swarm's last seeder, a reseed request. Clients that do not show
 * the message still have it in the user's events. A peer is sent at most one message per period, and a message
 * never takes the place of a warning the announce already has.
 */
@Component
class ClientMessages {

    enum Kind {
        HIT_AND_RUN, RATIO_WATCH, LAST_SEEDER, RESEED;

        String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Past this many peers within their period, messages wait: what a node keeps for them stays bounded. */
    static final int MAX_MESSAGED = 1_000_000;
    /** {@link #due}'s answers for a peer never sent a message, and for one sent one within the period. */
    private static final long NEVER = Long.MIN_VALUE;
    private static final long NOT_DUE = Long.MAX_VALUE;

    private final MessageProperties properties;
    private final PolicyEvents events;
    private final SeedObligations obligations;
    private final SeedPointRates points;
    private final ReseedRequests reseeds;
    private final Clock clock;
    private final long periodMillis;
    private final ConcurrentMap<PeerKey, Long> sentAt = new ConcurrentHashMap<>();
    private final Map<Kind, Counter> sent = new EnumMap<>(Kind.class);

    ClientMessages(MessageProperties properties, PolicyEvents events, SeedObligations obligations,
                   SeedPointRates points, ReseedRequests reseeds, MeterRegistry meters, Clock clock) {
        this.clock = clock;
        this.properties = properties;
        this.events = events;
        this.obligations = obligations;
        this.points = points;
        this.reseeds = reseeds;
        this.periodMillis = properties.period().toMillis();
        for (Kind kind : Kind.values()) {
            sent.put(kind, Counter.builder("tracker.messages.sent").tag("kind", kind.code())
                    .description("Messages sent to users' clients (warning message), by what they are about")
                    .register(meters));
        }
    }

    /**
     * The message for an announce answered from memory, or {@code null}: a reseed request waiting for the user,
     * a ratio watch, or being the last seeder of a swarm with leechers. Its text is made only once it is due.
     */
    String fromMemory(UserAccount user, long torrentId, PeerId peerId, PeerGrades.Shortfall shortfall,
                      boolean seeding, SwarmCounts counts, long nowMillis) {
        if (!properties.enabled()) {
            return null;
        }
        ReseedRequests.Pending reseed = reseeds.pendingFor(user.id());
        boolean watched = shortfall != null && shortfall.grade() == PeerGrades.Grade.WATCH
                && shortfall.watchEndsAtMillis() > nowMillis;
        boolean lastSeeder = seeding && counts.seeders() == 1 && counts.leechers() > 0;
        if (reseed == null && !watched && !lastSeeder) {
            return null;
        }
        PeerKey peer = PeerKey.of(torrentId, user.id(), peerId);
        long last = due(peer, nowMillis);
        if (last == NOT_DUE) {
            return null;
        }
        if (reseed != null) {
            String text = properties.reseed().replace("{torrent}", reseed.torrentName())
                    .replace("{hours}", Long.toString(Math.max(1, (nowMillis - reseed.seederlessSinceMillis())
                            / 3_600_000)));
            if (!send(peer, last, reseed.torrentId(), Kind.RESEED, text, nowMillis)) {
                return null;
            }
            reseeds.told(user.id(), reseed);
            return text;
        }
        String text;
        Kind kind;
        if (watched) {
            // Whole days left, rounded up: "within 0 days" would read as too late.
            long days = (shortfall.watchEndsAtMillis() - nowMillis + 86_399_999) / 86_400_000;
            kind = Kind.RATIO_WATCH;
            text = properties.ratioWatch().replace("{ratio}", decimal(shortfall.ratio(), false))
                    .replace("{required}", decimal(shortfall.required(), true)).replace("{days}", Long.toString(days));
        } else {
            kind = Kind.LAST_SEEDER;
            text = properties.lastSeeder().replace("{leechers}", Long.toString(counts.leechers()))
                    .replace("{points}", decimal(points.hourly(user.id(), torrentId, 1, nowMillis).flat(), false));
        }
        return send(peer, last, torrentId, kind, text, nowMillis) ? text : null;
    }

    /**
     * The message for a {@code stopped} or {@code completed} whose flush has committed, or {@code null}: what the
     * user still owes of a hit-and-run obligation on the torrent. Reads PostgreSQL, only when a message is due.
     */
    String afterLeavingOrCompleting(UserAccount user, long torrentId, PeerId peerId, long nowMillis) {
        if (!properties.enabled()) {
            return null;
        }
        PeerKey peer = PeerKey.of(torrentId, user.id(), peerId);
        long last = due(peer, nowMillis);
        SeedObligations.Unmet unmet = last == NOT_DUE ? null : obligations.unmet(user, torrentId);
        if (unmet == null) {
            return null;
        }
        String text = properties.hitAndRun().replace("{left}", duration(unmet.seedTimeLeft()))
                .replace("{deadline}", unmet.deadline().truncatedTo(ChronoUnit.MINUTES).toString());
        return send(peer, last, torrentId, Kind.HIT_AND_RUN, text, nowMillis) ? text : null;
    }

    /** When the peer was last sent a message ({@link #NEVER}), or {@link #NOT_DUE} within the period. */
    private long due(PeerKey peer, long nowMillis) {
        Long last = sentAt.get(peer);
        if (last == null) {
            return sentAt.size() >= MAX_MESSAGED ? NOT_DUE : NEVER;
        }
        return nowMillis - last < periodMillis ? NOT_DUE : last;
    }

    /**
     * Records the message as sent to this peer now, unless another announce of the peer was sent one since
     * {@code last}; logged under {@code torrentId}, the torrent it is about.
     */
    private boolean send(PeerKey peer, long last, long torrentId, Kind kind, String text, long nowMillis) {
        if (last == NEVER ? sentAt.putIfAbsent(peer, nowMillis) != null : !sentAt.replace(peer, last, nowMillis)) {
            return false;
        }
        sent.get(kind).increment();
        events.recordMessage(peer.userId(), torrentId, kind.code(), text, nowMillis);
        return true;
    }

    /** Forgets peers whose period is over. */
    @Scheduled(fixedDelayString = "10m")
    void forgetPast() {
        long before = clock.millis() - periodMillis;
        sentAt.values().removeIf(at -> at < before);
    }

    private static String decimal(double value, boolean up) {
        return new BigDecimal(value).setScale(2, up ? RoundingMode.CEILING : RoundingMode.FLOOR).toPlainString();
    }

    /** Hours and minutes: what a user reads for seed time left. */
    private static String duration(Duration left) {
        long minutes = Math.max(0, left.toMinutes());
        return minutes >= 60 ? minutes / 60 + " h " + minutes % 60 + " min" : minutes + " min";
    }
}
