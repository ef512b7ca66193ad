package org.swarmkeeper.policy;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Cheat detection ({@code tracker.cheat.*}).
 *
 * @param uploadCeiling        most upload per second believed, over a peer's active time (the time between two of its
 *                             announces while it was in the swarm, up to the peer timeout; none after
 *                             {@code stopped} or a time-out)
 * @param conservationWindow   the window a torrent's downloads are summed over
 * @param conservationSlack    upload beyond what others downloaded in the window that is still believed
 * @param resetLimit           counter resets of one peer within {@code reset-window} before it is flagged
 * @param resetWindow          the window counter resets are counted over
 * @param completeDownloadSlack download growth between two announces reporting {@code left=0} still believed (data
 *                             in flight when the last piece completed); more is {@code downloaded_while_complete}
 * @param actions              per rule ({@code upload_speed}, {@code conservation}, {@code completed_without_download},
 *                             {@code counter_resets}, {@code client_mismatch}): {@code flag}, {@code withhold} (no
 *                             upload credit for that announce; for {@code upload_speed}, none beyond the allowance)
 *                             or {@code disable} (leech rights off); default flag, withhold for {@code upload_speed}.
 *                             For {@code downloaded_while_complete}, applied to users without leech rights only
 *                             (others are flagged): {@code flag}, {@code refuse} (the announce is refused) or
 *                             {@code disable} (the account is disabled); default flag
 */
@ConfigurationProperties("tracker.cheat")
public record CheatProperties(
        @DefaultValue("100MB") DataSize uploadCeiling,
        @DefaultValue("30m") Duration conservationWindow,
        @DefaultValue("64MB") DataSize conservationSlack,
        @DefaultValue("3") int resetLimit,
        @DefaultValue("1h") Duration resetWindow,
        @DefaultValue("16MB") DataSize completeDownloadSlack,
        Map<String, Action> actions) {

    public enum Action { FLAG, WITHHOLD, REFUSE, DISABLE }

    Action actionFor(String rule) {
        Action configured = actions == null ? null : actions.get(rule);
        if (configured != null) {
            return configured;
        }
        return rule.equals(CheatDetector.UPLOAD_SPEED) ? Action.WITHHOLD : Action.FLAG;
    }
}
