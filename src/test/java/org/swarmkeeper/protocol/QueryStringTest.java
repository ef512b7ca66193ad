package org.swarmkeeper.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Decoding edge cases the round-trip properties do not reach: escaped keys, escapes cut short, empty values. */
class QueryStringTest {

    @Test
    void escapesDecodeToBytesInKeysAndValuesAndPlusStaysPlus() throws MalformedRequestException {
        QueryString query = QueryString.parse("info%5fhash=%00%FFa+b&peer%5Fid=x");
        assertThat(query.first("info_hash")).containsExactly(0x00, 0xff, 'a', '+', 'b');
        assertThat(query.first("peer_id")).containsExactly('x');
    }

    @Test
    void aKeyWithoutValueHasAnEmptyOneAndEmptyPairsAreSkipped() throws MalformedRequestException {
        QueryString query = QueryString.parse("&&compact&numwant=&");
        assertThat(query.first("compact")).isEmpty();
        assertThat(query.first("numwant")).isEmpty();
        assertThat(query.all("compact")).hasSize(1);
    }

    @Test
    void anEscapeCutShortOrNotHexIsRefused() {
        for (String raw : new String[] {"a=%", "a=%4", "a=b%4&c=d", "a=%4g", "a=%g4", "%=b", "k%=v"}) {
            assertThatThrownBy(() -> QueryString.parse(raw)).as(raw)
                    .isInstanceOf(MalformedRequestException.class).hasMessageContaining("percent-encoding");
        }
    }

    @Test
    void aCharacterBeyondOneByteIsRefusedInKeysAndValues() {
        for (String raw : new String[] {"a=\u0100", "\u0100=a", "k\u20ac=v"}) {
            assertThatThrownBy(() -> QueryString.parse(raw)).as(raw)
                    .isInstanceOf(MalformedRequestException.class).hasMessageContaining("invalid character");
        }
    }
}
