package org.swarmkeeper.policy;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Client versions as comparable number lists. Azureus-style peer_ids ({@code -qB4520-}) carry one component
 * per character, base 36 ({@code -lt0D80-} is 0.13.8.0); Mainline-style ones ({@code A2-1-36-0-}) carry three
 * dash-separated numbers. Admins write minimum versions dotted: {@code 4.5.2}.
 */
final class ClientVersion {

    private static final Pattern DOTTED = Pattern.compile("\\d{1,4}(\\.\\d{1,4}){0,5}");

    private ClientVersion() {
    }

    static boolean isDotted(String version) {
        return version != null && DOTTED.matcher(version).matches();
    }

    static int[] parseDotted(String version) {
        return Arrays.stream(version.split("\\.")).mapToInt(Integer::parseInt).toArray();
    }

    /** The version in a peer_id after {@code prefix}, or {@code null} when it is not written as expected. */
    static int[] fromPeerId(byte[] peerId, String prefix) {
        int at = prefix.length();
        return prefix.startsWith("-") ? azureus(peerId, at) : mainline(peerId, at);
    }

    private static int[] azureus(byte[] peerId, int at) {
        if (peerId.length < at + 5 || peerId[at + 4] != '-') {
            return null;
        }
        int[] version = new int[4];
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(peerId[at + i], 36);
            if (digit < 0) {
                return null;
            }
            version[i] = digit;
        }
        return version;
    }

    private static int[] mainline(byte[] peerId, int at) {
        int[] version = new int[3];
        for (int part = 0; part < 3; part++) {
            int digits = 0;
            int value = 0;
            while (at < peerId.length && peerId[at] >= '0' && peerId[at] <= '9' && digits < 4) {
                value = value * 10 + (peerId[at++] - '0');
                digits++;
            }
            if (digits == 0 || at >= peerId.length || peerId[at++] != '-') {
                return null;
            }
            version[part] = value;
        }
        return version;
    }

    /** Compares component by component, a missing component counting as 0. */
    static int compare(int[] a, int[] b) {
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            int x = i < a.length ? a[i] : 0;
            int y = i < b.length ? b[i] : 0;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }

    static String format(int[] version) {
        return String.join(".", Arrays.stream(version).mapToObj(Integer::toString).toArray(String[]::new));
    }
}
