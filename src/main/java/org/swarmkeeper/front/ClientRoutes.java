package org.swarmkeeper.front;

import java.net.InetAddress;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.swarmkeeper.announce.AnnounceService;
import org.swarmkeeper.announce.ClientAnswer;
import org.swarmkeeper.announce.ScrapeService;
import org.swarmkeeper.protocol.BencodedAnswers;

/**
 * The BitTorrent-facing paths ({@link ClientServer}). Shapes: {@code /announce/{passkey}} is the primary one
 * (libtorrent refuses {@code /{passkey}/announce} for local trackers), the Gazelle-style {@code /{passkey}/announce}
 * an alias, the same for scrape. Every answer is a bencoded body, failures included, because that is what every
 * client shows to its user.
 */
@Component
class ClientRoutes {

    private static final Logger log = LoggerFactory.getLogger(ClientRoutes.class);

    enum Endpoint { ANNOUNCE, SCRAPE }

    /** The failure reason for a tracker path asked with a method other than GET or HEAD (answered with 405). */
    static final String ONLY_GET = "only GET is served on tracker paths";

    /** A tracker path: the endpoint and passkey it names, or the failure reason for a malformed one. */
    record Route(Endpoint endpoint, String passkey, String failure) {
    }

    private final AnnounceService announces;
    private final ScrapeService scrapes;

    ClientRoutes(AnnounceService announces, ScrapeService scrapes) {
        this.announces = announces;
        this.scrapes = scrapes;
    }

    /**
     * The route of a path as the client sent it (not percent-decoded: passkeys are hex), or {@code null} when it is
     * no tracker path.
     */
    static Route route(String path) {
        if (path == null || path.length() < 2 || path.charAt(0) != '/') {
            return null;
        }
        int second = path.indexOf('/', 1);
        String first = second < 0 ? path.substring(1) : path.substring(1, second);
        String rest = second < 0 ? null : path.substring(second + 1);
        Endpoint endpoint = endpoint(first);
        if (endpoint != null) {
            if (rest == null) {
                return new Route(endpoint, null, "missing passkey: use the announce URL from your torrent file");
            }
            if (rest.isEmpty() || rest.indexOf('/') >= 0) {
                return new Route(endpoint, null, "not a tracker URL: use the announce URL from your torrent file");
            }
            return new Route(endpoint, rest, null);
        }
        Endpoint gazelle = rest == null ? null : endpoint(rest);
        return gazelle != null && !first.isEmpty() ? new Route(gazelle, first, null) : null;
    }

    private static Endpoint endpoint(String segment) {
        return switch (segment) {
            case "announce" -> Endpoint.ANNOUNCE;
            case "scrape" -> Endpoint.SCRAPE;
            default -> null;
        };
    }

    /** The use case's answer to a routed request; a malformed route is refused here. */
    ClientAnswer answer(Route route, String rawQuery, InetAddress address, String userAgent) {
        if (route.failure() != null) {
            return new ClientAnswer.Ready(BencodedAnswers.failure(route.failure()));
        }
        try {
            return route.endpoint() == Endpoint.ANNOUNCE
                    ? announces.announce(route.passkey(), rawQuery, address, userAgent)
                    : scrapes.scrape(route.passkey(), rawQuery, address);
        } catch (RuntimeException e) {
            return new ClientAnswer.Ready(defect(route, e));
        }
    }

    /**
     * A part of a {@link ClientAnswer.MustWait}: its {@code rest} on a thread that may block, or its
     * {@code unrecorded} answer when no such thread is free.
     */
    byte[] body(Route route, Supplier<byte[]> part) {
        try {
            return part.get();
        } catch (RuntimeException e) {
            return defect(route, e);
        }
    }

    /** A defect, not the client's doing (the use case answers every bad request with a failure reason). */
    private static byte[] defect(Route route, RuntimeException e) {
        log.error("Unexpected error answering {}", route.endpoint(), e);
        return BencodedAnswers.failure("tracker error: please try again later");
    }
}
