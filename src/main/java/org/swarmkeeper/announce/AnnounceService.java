package org.swarmkeeper.announce;

import java.net.InetAddress;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Service;
import org.swarmkeeper.accounting.Ledger;
import org.swarmkeeper.policy.AccessPolicy;
import org.swarmkeeper.policy.CheatDetector;
import org.swarmkeeper.policy.Decision;
import org.swarmkeeper.policy.PeerGrades;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.AnnounceRequest;
import org.swarmkeeper.protocol.MalformedRequestException;
import org.swarmkeeper.protocol.PeerAddresses;
import org.swarmkeeper.protocol.PeerList;
import org.swarmkeeper.protocol.BencodedAnswers;
import org.swarmkeeper.swarm.ListShape;
import org.swarmkeeper.swarm.PeerState;
import org.swarmkeeper.swarm.Reachability;
import org.swarmkeeper.swarm.Swarm;
import org.swarmkeeper.swarm.SwarmCounts;
import org.swarmkeeper.swarm.SwarmRegistry;
import org.swarmkeeper.torrents.RegisteredTorrent;
import org.swarmkeeper.torrents.TorrentCatalog;
import org.swarmkeeper.users.UserAccount;

/**
 * One announce: parse, identify, decide, update the swarm (which credits the ledger), and
 * answer. Memory only, except that {@code started}, {@code stopped} and {@code completed} are answered after
 * the flush that makes them durable has committed.
 */
@Service
public class AnnounceService {

    static final int MAX_CLIENT_NAME = 255;
    static final String DURABILITY_WARNING = "tracker database is slow: your statistics will be updated shortly";
    static final String BUSY_WARNING = "tracker is busy: this announce was not recorded, your next one will be";
    static final String LEDGER_FULL_WARNING =
            "tracker database is unavailable: this announce was not recorded, your next one will be";

    private final Passkeys passkeys;
    private final TorrentCatalog torrents;
    private final AccessPolicy policy;
    private final CheatDetector cheats;
    private final SwarmRegistry swarms;
    private final Ledger ledger;
    private final AnnounceProperties properties;
    private final MeterRegistry meters;
    /** {@code tracker.announce} by result, then event: both from bounded sets in the code, never from a client. */
    private final ConcurrentMap<String, ConcurrentMap<String, Timer>> timers = new ConcurrentHashMap<>();
    private final Counter deferred;
    private final AnnounceRates rates;
    private final AnnounceIntervals intervals;
    private final PeerGrades grades;
    private final Connectability connectability;
    private final ConnectabilityProperties reachabilityOptions;
    private final ClientMessages messages;
    private final Map<PeerGrades.Grade, Counter> graded = new EnumMap<>(PeerGrades.Grade.class);
    private final Clock clock;

    AnnounceService(Passkeys passkeys, TorrentCatalog torrents, AccessPolicy policy, CheatDetector cheats,
                    SwarmRegistry swarms, Ledger ledger, AnnounceProperties properties, MeterRegistry meters,
                    AnnounceRates rates, AnnounceIntervals intervals, PeerGrades grades,
                    Connectability connectability, ConnectabilityProperties reachabilityOptions,
                    ClientMessages messages, Clock clock) {
        this.intervals = intervals;
        this.reachabilityOptions = reachabilityOptions;
        this.grades = grades;
        this.connectability = connectability;
        this.messages = messages;
        for (PeerGrades.Grade grade : PeerGrades.Grade.values()) {
            graded.put(grade, Counter.builder("tracker.peers.graded").tag("grade", grade.tag())
                    .description("Leechers' peer lists, by the grade of the user's standing that shaped them")
                    .register(meters));
        }
        this.passkeys = passkeys;
        this.torrents = torrents;
        this.policy = policy;
        this.cheats = cheats;
        this.swarms = swarms;
        this.ledger = ledger;
        this.properties = properties;
        this.meters = meters;
        this.deferred = Counter.builder("tracker.ledger.deferred")
                .description("Announces answered but not recorded: the ledger was full, PostgreSQL was away when "
                        + "the swarm had to be read, or every worker for announces that wait was busy")
                .register(meters);
        this.rates = rates;
        this.clock = clock;
    }

    /**
     * Answers an announce; never throws for anything the client sent. Refusals for the query, the passkey and the
     * torrent come at once; an announce that must wait (see {@link ClientAnswer.MustWait}) is decided when its rest
     * runs, on a thread that may block.
     */
    public ClientAnswer announce(String passkey, String rawQuery, InetAddress address, String userAgent) {
        long start = System.nanoTime();
        String event = "unparsed";
        AnnounceRequest request;
        UserAccount user;
        RegisteredTorrent torrent;
        try {
            request = parse(rawQuery);
            event = eventName(request);
            user = passkeys.authenticate(passkey, address);
            torrent = torrents.byInfoHash(request.infoHash());
            if (torrent == null) {
                throw new Refusal("unregistered_torrent", "torrent not registered");
            }
        } catch (Refusal refusal) {
            return new ClientAnswer.Ready(refused(refusal, event, start));
        }
        if (mustBeDurable(request.event()) || ledger.wouldHold() || swarms.find(torrent.id()) == null) {
            return new ClientAnswer.MustWait(() -> decide(user, torrent, request, address, userAgent, true, start),
                    () -> unrecorded(torrent, request, address, start));
        }
        return new ClientAnswer.Ready(decide(user, torrent, request, address, userAgent, false, start));
    }

    /** The policy's decision and the swarm's answer; {@code mayWait} on a thread that may block. */
    private byte[] decide(UserAccount user, RegisteredTorrent torrent, AnnounceRequest request, InetAddress address,
                          String userAgent, boolean mayWait, long start) {
        String event = eventName(request);
        try {
            long now = clock.millis();
            Decision denial = policy.check(user, torrent, request, address, userAgent, now);
            if (denial != null) {
                throw new Refusal(denial.code(), denial.message());
            }
            byte[] body = answer(user, torrent, request, address, clientName(userAgent), now, mayWait);
            counted("ok", event, false, start);
            return body;
        } catch (Refusal refusal) {
            return refused(refusal, event, start);
        }
    }

    /** The swarm's counts in memory, no peers, a warning; nothing recorded or decided. */
    private byte[] unrecorded(RegisteredTorrent torrent, AnnounceRequest request, InetAddress address, long start) {
        deferred.increment();
        counted("busy", eventName(request), false, start); // answered, with a warning
        return answer(swarms.counts(torrent.id(), torrent.snatches()), new PeerList(0), request, address,
                BUSY_WARNING, intervals.interval(null), false);
    }

    private static String eventName(AnnounceRequest request) {
        return request.event().name().toLowerCase(Locale.ROOT);
    }

    private byte[] refused(Refusal refusal, String event, long start) {
        counted(refusal.code(), event, true, start);
        return BencodedAnswers.failure(refusal.getMessage(), refusal.retryInMinutes());
    }

    /** Counts an answer; {@code result} is the refusal's code when {@code refused}. */
    private void counted(String result, String event, boolean refused, long start) {
        rates.record(refused);
        timers.computeIfAbsent(result, code -> new ConcurrentHashMap<>())
                .computeIfAbsent(event, name -> Timer.builder("tracker.announce").tag("result", result)
                        .tag("event", name).register(meters))
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    private static AnnounceRequest parse(String rawQuery) throws Refusal {
        try {
            return AnnounceRequest.parse(rawQuery);
        } catch (MalformedRequestException e) {
            throw Refusal.malformed(e);
        }
    }

    private byte[] answer(UserAccount user, RegisteredTorrent torrent, AnnounceRequest request,
                          InetAddress address, String userAgent, long now, boolean mayWait) throws Refusal {
        int numwant = request.numwant() == AnnounceRequest.NUMWANT_ABSENT
                ? properties.defaultNumwant() : Math.min(request.numwant(), properties.maxNumwant());
        boolean leeching = request.left() > 0 && request.event() != AnnounceEvent.PAUSED
                && request.event() != AnnounceEvent.STOPPED;
        PeerGrades.Shortfall shortfall = grades.shortfall(user);
        PeerGrades.Grade grade = !leeching ? null : shortfall == null ? PeerGrades.Grade.GOOD : shortfall.grade();
        int interval = intervals.interval(grade);
        Swarm swarm;
        try {
            swarm = swarms.swarm(torrent.id(), torrent.snatches());
        } catch (DataAccessException e) {
            // This node holds no swarm for the torrent and PostgreSQL is away: a transient condition, so a normal
            // answer that records nothing (the client's next announce carries the bytes), not a failure.
            deferred.increment();
            return answer(swarms.counts(torrent.id(), torrent.snatches()), new PeerList(0), request, address,
                    LEDGER_FULL_WARNING, interval, false);
        }
        if (mayWait && !mustBeDurable(request.event())) { // those wait for their own flush below
            ledger.awaitFlusher();
        }
        boolean leaving = request.event() == AnnounceEvent.STOPPED;
        Reachability found = leaving ? Reachability.UNKNOWN : connectability.cached(address, request.port(), now);
        Swarm.Outcome outcome;
        String warning = null;
        boolean recorded;
        synchronized (swarm) { // the swarm's rules and the announce they admit as one step
            PeerState previous = swarm.peer(user.id(), request.peerId());
            // Whether the user already leeches here matters only to a leeching announce (a download slot).
            Decision decision = policy.checkPeer(user, torrent, request, previous, swarm.activePeersOf(user.id()),
                    leeching && swarm.leeching(user.id()), address, properties.minInterval(), now);
            if (decision != null && decision.denied()) {
                throw new Refusal(decision.code(), decision.message());
            }
            if (decision != null) {
                warning = decision.message();
                numwant = 0;
            }
            Reachability mine = found != Reachability.UNKNOWN || previous == null ? found : previous.reachability();
            ListShape shape = shape(grade, numwant, mine);
            recorded = !deferrable(previous, request) || ledger.hasRoomFor(torrent.id(), user.id(), request.peerId());
            if (recorded) {
                CheatDetector.Verdict verdict = cheats.inspect(user, torrent, request, previous, userAgent, now);
                if (verdict.refusal() != null) {
                    throw new Refusal(verdict.refusal().code(), verdict.refusal().message());
                }
                outcome = swarm.announce(user.id(), request, address, userAgent, now, shape, verdict.grant(), found);
            } else {
                // Nothing recorded, baseline untouched: the client's next announce reports these bytes again.
                deferred.increment();
                outcome = swarm.peersFor(user.id(), !leeching, leaving ? ListShape.NONE : shape);
                warning = LEDGER_FULL_WARNING;
            }
        }
        if (grade != null && numwant > 0) {
            graded.get(grade).increment();
        }
        if (recorded && !leaving && found == Reachability.UNKNOWN) { // a probe for what is not known, once admitted
            connectability.reachability(user.id(), address, request.port(), now,
                    probed -> recordReachability(torrent.id(), user.id(), request, address, probed));
        }
        SwarmCounts counts = outcome.counts();
        if (recorded && mustBeDurable(request.event())) {
            if (!ledger.lastFlushFailed() && ledger.awaitDurable()) {
                counts = swarm.counts(); // includes the snatch this flush may have recorded
                if (warning == null && request.event() != AnnounceEvent.STARTED) {
                    warning = messages.afterLeavingOrCompleting(user, torrent.id(), request.peerId(), now);
                }
            } else {
                warning = DURABILITY_WARNING;
            }
        }
        if (warning == null && recorded && !leaving) { // a client leaving seldom shows what it is told
            warning = messages.fromMemory(user, torrent.id(), request.peerId(), shortfall, request.left() == 0,
                    counts, now);
        }
        return answer(counts, outcome.peers(), request, address, warning, interval, recorded);
    }

    /**
     * The list a leecher of this grade is given (a seeder or partial seed: leechers, as many as it wants). Peers
     * found unconnectable are left out for everyone when so configured, and for a peer found unconnectable itself
     * when so configured: it could reach no other unconnectable peer, nor be reached by one.
     */
    private ListShape shape(PeerGrades.Grade grade, int numwant, Reachability mine) {
        boolean skipUnconnectable = reachabilityOptions.hideUnconnectable()
                || reachabilityOptions.onlyConnectableForUnconnectable() && mine == Reachability.UNCONNECTABLE;
        if (grade == null) {
            return new ListShape(numwant, 1, true, skipUnconnectable);
        }
        return new ListShape(numwant, grades.seederShare(grade), grade != PeerGrades.Grade.WATCH, skipUnconnectable);
    }

    /** A probe's finding, onto the peer if it is still at the endpoint probed. */
    private void recordReachability(long torrentId, long userId, AnnounceRequest request, InetAddress address,
                                    Reachability probed) {
        Swarm swarm = swarms.find(torrentId);
        if (swarm != null) {
            swarm.reachability(userId, request.peerId(), PeerAddresses.compact(address, request.port()), probed);
        }
    }

    /** An unrecorded announce asks the client to come back after {@code min interval} ({@code retry in}). */
    private byte[] answer(SwarmCounts counts, PeerList peers, AnnounceRequest request, InetAddress address,
                          String warning, int interval, boolean recorded) {
        int minInterval = intervals.minInterval();
        return BencodedAnswers.announce(new BencodedAnswers.AnnounceAnswer(interval, minInterval,
                        counts.seeders(), counts.incomplete(), counts.snatches(), address.getAddress(), warning,
                        recorded ? 0 : Math.max(1, (minInterval + 59) / 60)),
                peers, request.compact(), request.noPeerId());
    }

    /** The User-Agent as stored with the peer: printable and bounded, so no header can break a flush. */
    static String clientName(String userAgent) {
        if (userAgent == null) {
            return null;
        }
        int clean = 0;
        while (clean < userAgent.length() && printable(userAgent.charAt(clean))) {
            clean++;
        }
        if (clean == userAgent.length() && clean <= MAX_CLIENT_NAME) {
            return PeerState.canonicalUserAgent(userAgent); // what every real client sends: no copy
        }
        StringBuilder out = new StringBuilder(Math.min(userAgent.length(), MAX_CLIENT_NAME));
        for (int i = 0; i < userAgent.length() && out.length() < MAX_CLIENT_NAME; i++) {
            char c = userAgent.charAt(i);
            out.append(printable(c) ? c : '?');
        }
        return PeerState.canonicalUserAgent(out.toString());
    }

    private static boolean printable(char c) {
        return c >= 0x20 && c < 0x7f;
    }

    /**
     * Only a plain re-announce of a peer the swarm holds may go unrecorded when the ledger is full: its baseline
     * stays in memory, and the client's next announce carries the bytes. A first sight, {@code started},
     * {@code stopped} and {@code completed} are always recorded, or their bytes or snatch would be lost.
     */
    private static boolean deferrable(PeerState previous, AnnounceRequest request) {
        return previous != null && previous.active()
                && (request.event() == AnnounceEvent.NONE || request.event() == AnnounceEvent.PAUSED);
    }

    private static boolean mustBeDurable(AnnounceEvent event) {
        return event == AnnounceEvent.STARTED || event == AnnounceEvent.STOPPED || event == AnnounceEvent.COMPLETED;
    }
}
