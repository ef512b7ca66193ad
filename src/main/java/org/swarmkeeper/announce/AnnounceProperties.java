package org.swarmkeeper.announce;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param interval        the announce interval sent to clients
 * @param intervalJitter  a random share of the interval added per answer (0.1 = up to 10 %), so clients
 *                        started together do not stay in step
 * @param intervalTolerance how late after its interval a peer's announce may come with the time in between still
 *                        counted as active (the time upload is believed over); at most the peer timeout counts
 * @param minInterval     the {@code min interval}; aria2 re-announces at this pace while short of peers
 * @param defaultNumwant  peers returned when the client sends no {@code numwant}
 * @param maxNumwant      cap on peers returned whatever the client asks
 * @param publicUrl       the announce URL handed out with passkeys, {@code {passkey}} where each user's goes
 *                        (behind a proxy, say {@code https://tracker.example.org/announce/{passkey}}); unset:
 *                        built from the admin request's host, on {@code tracker.port}
 */
@ConfigurationProperties("tracker.announce")
public record AnnounceProperties(
        @DefaultValue("30m") Duration interval,
        @DefaultValue("0.1") double intervalJitter,
        @DefaultValue("5m") Duration intervalTolerance,
        @DefaultValue("15m") Duration minInterval,
        @DefaultValue("50") int defaultNumwant,
        @DefaultValue("100") int maxNumwant,
        String publicUrl) {
}
