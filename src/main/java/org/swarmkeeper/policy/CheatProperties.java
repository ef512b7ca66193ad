package org.swarmkeeper.policy;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Cheat detection ({@code tracker.cheat.*}).
 *
 * @param uploadCeiling        most upload per second believed, over one announce interval
 * @param conservationWindow   the window a torrent's downloads are summed over
 * @param conservationSlack    upload beyond what others downloaded in the window that is still believed
 * @param resetLimit           counter resets of one peer within {@code resetWindow} before it is flagged
 * @param resetWindow          the window counter resets are counted over
 * @param actions              per rule ({@code upload_speed}, {@code conservation}, {@code completed_without_download},
 *                             {@code counter_resets}, {@code client_mismatch}): {@code flag}, {@code withhold} (no
 *                             upload credit for that announce) or {@code disable} (leech rights off); default flag,
 *                             withhold for {@code upload_speed}
 */
@ConfigurationProperties("tracker.cheat")
public record CheatProperties(
        @DefaultValue("100MB") DataSize uploadCeiling,
        @DefaultValue("30m") Duration conservationWindow,
        @DefaultValue("64MB") DataSize conservationSlack,
        @DefaultValue("3") int resetLimit,
        @DefaultValue("1h") Duration resetWindow,
        Map<String, Action> actions) {

    public enum Action { FLAG, WITHHOLD, DISABLE }

    Action actionFor(String rule) {
        Action configured = actions == null ? null : actions.get(rule);
        if (configured != null) {
            return configured;
        }
        return rule.equals(CheatDetector.UPLOAD_SPEED) ? Action.WITHHOLD : Action.FLAG;
    }
}
