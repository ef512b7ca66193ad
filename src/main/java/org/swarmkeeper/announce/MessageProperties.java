package org.swarmkeeper.announce;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Messages shown in the user's client (BEP 3's {@code warning message}), each also logged as a user event.
 * Texts take {@code {name}} placeholders, listed per text.
 *
 * @param enabled     off: no message is sent or logged
 * @param period      a peer is sent at most one message in this long
 * @param hitAndRun   on {@code stopped} or {@code completed} with an unmet hit-and-run obligation:
 *                    {@code {left}} seed time still owed, {@code {deadline}} the date it is owed by
 * @param ratioWatch  to a user on ratio watch: {@code {ratio}}, {@code {required}}, {@code {days}} left
 * @param lastSeeder  to the only seeder of a swarm with leechers: {@code {leechers}}, {@code {points}} an hour
 *                    of seeding earns there at least
 * @param reseed      a reseed request, on the user's next announce on any torrent: {@code {torrent}} its name,
 *                    {@code {hours}} since it last had a seeder
 */
@ConfigurationProperties("tracker.messages")
public record MessageProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1d") Duration period,
        @DefaultValue("hit-and-run: seed this torrent {left} more by {deadline}, or it counts as a strike")
        String hitAndRun,
        @DefaultValue("ratio watch: your ratio {ratio} is under the required {required}; seed to raise it within "
                + "{days} days, or you lose leech rights") String ratioWatch,
        @DefaultValue("you are the last seeder of this torrent: {leechers} leechers depend on you (at least "
                + "{points} points an hour)") String lastSeeder,
        @DefaultValue("reseed request: {torrent} has had leechers and no seeder for {hours} h; you snatched it, "
                + "please seed it again") String reseed) {
}
