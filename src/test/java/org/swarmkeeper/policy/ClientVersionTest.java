package org.swarmkeeper.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Versions read from the peer_ids real clients send (docs/CLIENTS.md) and compared with dotted minimums. */
class ClientVersionTest {

    private static int[] version(String peerId, String prefix) {
        return ClientVersion.fromPeerId(peerId.getBytes(StandardCharsets.ISO_8859_1), prefix);
    }

    @Test
    void readsAzureusAndMainlineStylePeerIds() {
        assertThat(version("-qB4520-d9YEq8HdQZ.(", "-qB")).containsExactly(4, 5, 2, 0);
        assertThat(version("-lt0D80-\u00b4\u00afI\u00a5\r.eu_(\u00ad\u00eb", "-lt")).containsExactly(0, 13, 8, 0);
        assertThat(version("-DE203s-1.MaEEP**.c*", "-DE")).containsExactly(2, 0, 3, 28);
        assertThat(version("A2-1-36-0-\u000f\u00f4\u00a7\u00be\u00a8\u0091\u008d\u0000g9", "A2-")).containsExactly(1, 36, 0);
        assertThat(version("-qB45!0-aaaaaaaaaaaa", "-qB")).isNull();
        assertThat(version("A2-1-x-0-aaaaaaaaaaa", "A2-")).isNull();
    }

    @Test
    void missingComponentsCountAsZero() {
        assertThat(ClientVersion.compare(new int[] {4, 5, 2, 0}, ClientVersion.parseDotted("4.5.2"))).isZero();
        assertThat(ClientVersion.compare(new int[] {0, 13, 8, 0}, ClientVersion.parseDotted("0.13.6"))).isPositive();
        assertThat(ClientVersion.compare(new int[] {1, 34, 0}, ClientVersion.parseDotted("1.35"))).isNegative();
        assertThat(ClientVersion.isDotted("4.5.2")).isTrue();
        assertThat(ClientVersion.isDotted("4.5.")).isFalse();
    }
}
