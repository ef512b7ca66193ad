package org.swarmkeeper.policy;

import java.util.ArrayList;
import java.util.List;

import org.springframework.util.unit.DataSize;

/**
 * The ratio a user must keep, by credited download, lowered by the share of their snatches they still seed
 * (Gazelle's table): within a bracket it runs linearly from {@code atNoneSeeded} at 0 % to
 * {@code atAllSeeded} at 100 %.
 */
final class RequiredRatio {

    private record Bracket(long upTo, double atNoneSeeded, double atAllSeeded) {
    }

    private final List<Bracket> brackets;

    private RequiredRatio(List<Bracket> brackets) {
        this.brackets = brackets;
    }

    /** Parses {@code upTo:atNoneSeeded:atAllSeeded} entries, ascending, the last one {@code *}. */
    static RequiredRatio parse(List<String> table) {
        List<Bracket> brackets = new ArrayList<>();
        long previous = -1;
        for (String entry : table) {
            String[] parts = entry.trim().split(":");
            if (parts.length != 3) {
                throw new IllegalArgumentException("tracker.policy.required-ratio entry '" + entry
                        + "' is not upTo:atNoneSeeded:atAllSeeded");
            }
            long upTo = parts[0].equals("*") ? Long.MAX_VALUE : DataSize.parse(parts[0]).toBytes();
            double none = Double.parseDouble(parts[1]);
            double all = Double.parseDouble(parts[2]);
            if (upTo <= previous || none < 0 || all < 0 || all > none) {
                throw new IllegalArgumentException("tracker.policy.required-ratio entry '" + entry
                        + "' must follow the previous one and have 0 <= atAllSeeded <= atNoneSeeded");
            }
            previous = upTo;
            brackets.add(new Bracket(upTo, none, all));
        }
        if (brackets.isEmpty() || previous != Long.MAX_VALUE) {
            throw new IllegalArgumentException("tracker.policy.required-ratio must end with a '*' bracket");
        }
        return new RequiredRatio(List.copyOf(brackets));
    }

    /** The requirement for {@code downloaded} credited bytes when {@code seedingShare} (0–1) of snatches are seeded. */
    double of(long downloaded, double seedingShare) {
        double share = Math.max(0, Math.min(1, seedingShare));
        for (Bracket bracket : brackets) {
            if (downloaded < bracket.upTo()) {
                return bracket.atNoneSeeded() - (bracket.atNoneSeeded() - bracket.atAllSeeded()) * share;
            }
        }
        throw new IllegalStateException("the last bracket is unbounded");
    }
}
