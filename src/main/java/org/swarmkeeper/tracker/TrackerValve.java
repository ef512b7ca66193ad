package org.swarmkeeper.tracker;

import java.io.IOException;
import java.util.function.Supplier;

import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.util.function.SingletonSupplier;
import org.swarmkeeper.protocol.TrackerResponses;

/**
 * The BitTorrent-facing endpoints, answered in Tomcat's pipeline before the servlet filters and Spring MVC:
 * an announce is a few microseconds of tracker work, and the dispatch around it (filters, observation, handler
 * mapping, message conversion) cost more than that (docs/PERFORMANCE.md). Everything else goes on to Spring.
 * <p>
 * Shapes: {@code /announce/{passkey}} is the primary one (libtorrent refuses {@code /{passkey}/announce} for
 * local trackers), the Gazelle-style {@code /{passkey}/announce} an alias, the same for scrape. Every answer is
 * HTTP 200 with a bencoded body, failures included, because that is what every client shows to its user.
 */
class TrackerValve extends ValveBase {

    private static final Logger log = LoggerFactory.getLogger(TrackerValve.class);

    private enum Endpoint { ANNOUNCE, SCRAPE }

    private final Supplier<AnnounceService> announceService;
    private final Supplier<ScrapeService> scrapeService;
    private final Supplier<ClientAddresses> clientAddresses;
    private final TrackerRequests inFlight;

    /**
     * Providers: the valve is built with the web server, before the services it calls are. Each is looked up
     * once, on the first request, not on every one.
     */
    TrackerValve(ObjectProvider<AnnounceService> announceService, ObjectProvider<ScrapeService> scrapeService,
                 ObjectProvider<ClientAddresses> clientAddresses, TrackerRequests inFlight) {
        super(true);
        this.announceService = SingletonSupplier.of(announceService::getObject);
        this.scrapeService = SingletonSupplier.of(scrapeService::getObject);
        this.clientAddresses = SingletonSupplier.of(clientAddresses::getObject);
        this.inFlight = inFlight;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        String method = request.getMethod();
        String uri = request.getDecodedRequestURI();
        String contextPath = request.getContextPath();
        String path = uri == null || !uri.startsWith(contextPath) ? null : uri.substring(contextPath.length());
        if (path == null || path.length() < 2 || !(method.equals("GET") || method.equals("HEAD"))) {
            getNext().invoke(request, response);
            return;
        }
        inFlight.begin(); // until the answer is written, so that shutdown waits for it
        try {
            byte[] answer = answer(path, request);
            if (answer != null) {
                response.setStatus(200);
                response.setContentType("text/plain");
                response.setContentLength(answer.length);
                response.getOutputStream().write(answer);
                return;
            }
        } finally {
            inFlight.end();
        }
        getNext().invoke(request, response);
    }

    /** The bencoded answer for a tracker path, or {@code null} when the path is not one. */
    private byte[] answer(String path, Request request) {
        int second = path.indexOf('/', 1);
        String first = second < 0 ? path.substring(1) : path.substring(1, second);
        String rest = second < 0 ? null : path.substring(second + 1);
        Endpoint endpoint = endpoint(first);
        if (endpoint != null) {
            if (rest == null) {
                return TrackerResponses.failure("missing passkey: use the announce URL from your torrent file");
            }
            if (rest.isEmpty() || rest.indexOf('/') >= 0) {
                return TrackerResponses.failure("not a tracker URL: use the announce URL from your torrent file");
            }
            return call(endpoint, rest, request);
        }
        Endpoint gazelle = rest == null ? null : endpoint(rest);
        return gazelle != null && !first.isEmpty() ? call(gazelle, first, request) : null;
    }

    private static Endpoint endpoint(String segment) {
        return switch (segment) {
            case "announce" -> Endpoint.ANNOUNCE;
            case "scrape" -> Endpoint.SCRAPE;
            default -> null;
        };
    }

    private byte[] call(Endpoint endpoint, String passkey, Request request) {
        try {
            return endpoint == Endpoint.ANNOUNCE
                    ? announceService.get().announce(passkey, request.getQueryString(),
                            clientAddresses.get().of(request), request.getHeader(HttpHeaders.USER_AGENT))
                    : scrapeService.get().scrape(passkey, request.getQueryString(), clientAddresses.get().of(request));
        } catch (RuntimeException e) {
            // A defect, not the client's doing (the services answer every bad request with a failure reason).
            log.error("Unexpected error answering {}", endpoint, e);
            return TrackerResponses.failure("tracker error: please try again later");
        }
    }
}
