package org.swarmkeeper.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class AnnounceRequestPropertyTest {

    @Property
    void encodedRequestParsesBackToTheSameRequest(@ForAll("requests") AnnounceRequest sent)
            throws MalformedRequestException {
        AnnounceRequest parsed = AnnounceRequest.parse(sent.toQueryString());
        assertSameRequest(parsed, sent);
    }

    @Property
    void hexCaseOfPercentEscapesDoesNotMatter(@ForAll("requests") AnnounceRequest sent)
            throws MalformedRequestException {
        String upper = upperCaseEscapes(sent.toQueryString());
        assertSameRequest(AnnounceRequest.parse(upper), sent);
    }

    @Property(tries = 2000)
    void anyBytesParseToARequestOrATypedFailure(@ForAll @Size(max = 300) byte[] query) {
        String raw = new String(query, StandardCharsets.ISO_8859_1);
        try {
            AnnounceRequest.parse(raw);
        } catch (MalformedRequestException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 2000)
    void anyTextParsesToARequestOrATypedFailure(@ForAll String query) {
        try {
            AnnounceRequest.parse(query);
            ScrapeRequest.parse(query, 10);
        } catch (MalformedRequestException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 2000)
    void nearlyValidQueriesParseOrFailWithAReason(@ForAll("requests") AnnounceRequest sent,
                                                 @ForAll("mutations") String mutation,
                                                 @ForAll("positions") double position) {
        String query = sent.toQueryString();
        int at = (int) (position * query.length());
        String mutated = query.substring(0, at) + mutation + query.substring(at);
        try {
            AnnounceRequest.parse(mutated);
        } catch (MalformedRequestException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> mutations() {
        return Arbitraries.of("%", "%4", "%zz", "&", "=", "&&", "==", "&port=", "&left=-1", "&event=paused",
                "&info_hash=", "&peer_id=x", "&numwant=99999999999999999999", "+", "\u00ff", "\u0100", "&compact=0");
    }

    @Provide
    Arbitrary<Double> positions() {
        return Arbitraries.doubles().between(0, 1);
    }

    @Provide
    Arbitrary<AnnounceRequest> requests() {
        Arbitrary<byte[]> id20 = Arbitraries.bytes().array(byte[].class).ofSize(20);
        Arbitrary<Long> counter = Arbitraries.longs().between(0, Long.MAX_VALUE);
        Arbitrary<byte[]> key = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(64).injectNull(0.3);
        Arbitrary<Integer> numwant = Arbitraries.integers().between(-1, 500);
        return Combinators.combine(id20, id20, Arbitraries.integers().between(1, 65535), counter, counter, counter,
                        Arbitraries.of(AnnounceEvent.class), Arbitraries.of(true, false))
                .flatAs((hash, peer, port, up, down, left, event, compact) ->
                        Combinators.combine(Arbitraries.of(true, false), numwant, key).as((noPeerId, want, k) ->
                                new AnnounceRequest(InfoHash.of(hash), PeerId.of(peer), port, up, down, left, event,
                                        compact, noPeerId, want, k)));
    }

    private static void assertSameRequest(AnnounceRequest parsed, AnnounceRequest sent) {
        assertThat(parsed).usingRecursiveComparison().isEqualTo(sent);
    }

    private static String upperCaseEscapes(String query) {
        StringBuilder out = new StringBuilder(query.length());
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '%') {
                out.append(c).append(query.substring(i + 1, i + 3).toUpperCase(Locale.ROOT));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
