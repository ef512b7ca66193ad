package org.swarmkeeper.tracker;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.swarmkeeper.protocol.TrackerResponses;

/**
 * The BitTorrent-facing endpoints. {@code /announce/{passkey}} is the primary shape (libtorrent refuses
 * {@code /{passkey}/announce} for local trackers); the Gazelle-style shape is an alias. Every answer is
 * HTTP 200 with a bencoded body, failures included, because that is what every client shows to its user.
 */
@RestController
class TrackerController {

    private final AnnounceService announces;
    private final ScrapeService scrapes;
    private final ClientAddresses clientAddresses;

    TrackerController(AnnounceService announces, ScrapeService scrapes, ClientAddresses clientAddresses) {
        this.announces = announces;
        this.scrapes = scrapes;
        this.clientAddresses = clientAddresses;
    }

    @GetMapping({"/announce/{passkey}", "/{passkey}/announce"})
    ResponseEntity<byte[]> announce(@PathVariable String passkey, HttpServletRequest request) {
        return bencoded(announces.announce(passkey, request.getQueryString(), clientAddresses.of(request),
                request.getHeader(HttpHeaders.USER_AGENT)));
    }

    @GetMapping({"/scrape/{passkey}", "/{passkey}/scrape"})
    ResponseEntity<byte[]> scrape(@PathVariable String passkey, HttpServletRequest request) {
        return bencoded(scrapes.scrape(passkey, request.getQueryString(), clientAddresses.of(request)));
    }

    @GetMapping({"/announce", "/scrape"})
    ResponseEntity<byte[]> withoutPasskey() {
        return bencoded(TrackerResponses.failure("missing passkey: use the announce URL from your torrent file"));
    }

    /** Anything else under the tracker's paths: a bencoded answer too, never the API's JSON 404. */
    @GetMapping({"/announce/**", "/scrape/**"})
    ResponseEntity<byte[]> notATrackerUrl() {
        return bencoded(TrackerResponses.failure("not a tracker URL: use the announce URL from your torrent file"));
    }

    private static ResponseEntity<byte[]> bencoded(byte[] body) {
        return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(body);
    }
}
