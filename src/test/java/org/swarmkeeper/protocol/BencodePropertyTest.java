package org.swarmkeeper.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class BencodePropertyTest {

    @Property
    void announceAnswersDecodeWithEveryPeerAndSortedKeys(@ForAll @IntRange(max = 60) int v4Peers,
                                                         @ForAll @IntRange(max = 20) int v6Peers,
                                                         @ForAll @IntRange(min = 0) int complete) throws Exception {
        PeerList peers = new PeerList(4);
        for (int i = 0; i < v4Peers; i++) {
            peers.add(TestPeer.of(new byte[] {10, 0, (byte) (i >> 8), (byte) i, 0x1a, (byte) 0xe1}, null, null));
        }
        for (int i = 0; i < v6Peers; i++) {
            byte[] v6 = new byte[18];
            v6[15] = (byte) i;
            v6[17] = 1;
            peers.add(TestPeer.of(null, v6, null));
        }
        byte[] encoded = BencodedAnswers.announce(new BencodedAnswers.AnnounceAnswer(1800, 900, complete, 3, 7,
                new byte[] {127, 0, 0, 1}, "careful", 5), peers, true, true);
        @SuppressWarnings("unchecked")
        Map<String, Object> decoded = (Map<String, Object>) BencodeReader.decode(encoded);
        assertThat(((byte[]) decoded.get("peers")).length).isEqualTo(6 * v4Peers);
        assertThat(((byte[]) decoded.get("peers6")).length).isEqualTo(18 * v6Peers);
        assertThat(decoded.get("complete")).isEqualTo((long) complete);
        List<String> keys = new ArrayList<>(decoded.keySet());
        assertThat(keys).isSorted();
    }

    @Property
    void integersAndTextAreWrittenAsBencodeSpellsThem(@ForAll long value, @ForAll String text) {
        byte[] written = new BencodeWriter(1).integer(value).string(text).toByteArray();
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        String expected = "i" + value + "e" + utf8.length + ":";
        assertThat(written).startsWith(expected.getBytes(StandardCharsets.US_ASCII));
        assertThat(Arrays.copyOfRange(written, expected.length(), written.length)).isEqualTo(utf8);
    }

    @Example
    void theExtremeIntegers() {
        for (long value : new long[] {0, -1, 9, 10, -10, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertThat(new String(new BencodeWriter(1).integer(value).toByteArray(),
                    StandardCharsets.US_ASCII)).isEqualTo("i" + value + "e");
        }
    }

    @Property
    void scrapeFilesAreKeyedByRawHashesInByteOrder(@ForAll @Size(max = 20) List<@Size(20) byte[]> hashes)
            throws Exception {
        Map<InfoHash, BencodedAnswers.ScrapeEntry> files = new LinkedHashMap<>();
        for (byte[] hash : hashes) {
            files.put(InfoHash.of(hash), new BencodedAnswers.ScrapeEntry(1, 2, 3, 2));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> decoded = (Map<String, Object>) ((Map<String, Object>) BencodeReader.decode(
                BencodedAnswers.scrape(files))).get("files");
        assertThat(decoded).hasSize(files.size());
        List<String> keys = new ArrayList<>(decoded.keySet());
        assertThat(keys).isSorted(); // ISO-8859-1 chars compare like unsigned bytes
        for (String key : keys) {
            assertThat(key).hasSize(20);
        }
    }

    @Property(tries = 3000)
    void arbitraryBytesDecodeOrFailWithABencodeError(@ForAll @Size(max = 200) byte[] input) {
        try {
            BencodeReader.decode(input);
        } catch (BencodeReader.BencodeException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Example
    void nonCanonicalOrNegativeLengthsAreBencodeErrors() {
        for (String input : new String[] {"-5:abcde", "i03e", "i-0e", "i-e", "ie", "5:abc", "d1:ai1e", "i1ei2e",
                "01:a", "l", "i99999999999999999999e"}) {
            assertThatThrownBy(() -> BencodeReader.decode(input.getBytes(StandardCharsets.ISO_8859_1)))
                    .as(input).isInstanceOf(BencodeReader.BencodeException.class);
        }
    }

    @Property
    void failureReasonsRoundTrip(@ForAll String reason) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> decoded = (Map<String, Object>) BencodeReader.decode(BencodedAnswers.failure(reason));
        assertThat(new String((byte[]) decoded.get("failure reason"), StandardCharsets.UTF_8))
                .isEqualTo(reason);
    }
}
