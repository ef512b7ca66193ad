package org.swarmkeeper.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** The captured requests of real clients decode to exactly the bytes each client meant. */
class CapturedClientQueriesTest {

    private static final InfoHash HASH = InfoHash.fromHex(CapturedClients.INFO_HASH_HEX);

    private static AnnounceRequest parse(int index) throws MalformedRequestException {
        return AnnounceRequest.parse(CapturedClients.STARTED.get(index).query());
    }

    @Test
    void everyCapturedClientAnnouncesTheSameInfoHashWhateverItsHexCase() throws MalformedRequestException {
        for (int i = 0; i < CapturedClients.STARTED.size(); i++) {
            AnnounceRequest request = parse(i);
            assertThat(request.infoHash()).as(CapturedClients.STARTED.get(i).client()).isEqualTo(HASH);
            assertThat(request.event()).isEqualTo(AnnounceEvent.STARTED);
            assertThat(request.compact()).isTrue();
        }
    }

    @Test
    void transmissionPrintablePeerIdAndUnpaddedHexKey() throws MalformedRequestException {
        AnnounceRequest request = parse(0);
        assertThat(request.peerId()).isEqualTo(PeerId.of(ascii("-TR3000-nz3ai22279je")));
        assertThat(request.key()).isEqualTo(ascii("508947f5"));
        assertThat(request.numwant()).isEqualTo(80);
        assertThat(request.left()).isZero();
        assertThat(request.port()).isEqualTo(53114);
    }

    @Test
    void aria2BinaryPeerIdAndBinaryKeyIncludingAZeroByte() throws MalformedRequestException {
        AnnounceRequest request = parse(1);
        byte[] expectedPeerId = concat(ascii("A2-1-36-0-"), HexFormat.of().parseHex("0ff4a7bea8918d00"), ascii("g9"));
        assertThat(request.peerId().toBytes()).isEqualTo(expectedPeerId);
        assertThat(request.key()).isEqualTo(concat(HexFormat.of().parseHex("a7bea8918d00"), ascii("g9")));
        assertThat(request.noPeerId()).isTrue();
    }

    @Test
    void libtorrentLiteralSubDelimitersInPeerIdAreKeptAsSent() throws MalformedRequestException {
        assertThat(parse(2).peerId()).isEqualTo(PeerId.of(ascii("-qB4520-d9YEq8HdQZ.(")));
        assertThat(parse(3).peerId()).isEqualTo(PeerId.of(ascii("-DE203s-1.MaEEP**.c*")));
        assertThat(parse(3).key()).isEqualTo(ascii("EFBD193F"));
    }

    @Test
    void rtorrentOmitsNumwantAndItsIpParameterIsIgnored() throws MalformedRequestException {
        AnnounceRequest request = parse(4);
        assertThat(request.numwant()).isEqualTo(AnnounceRequest.NUMWANT_ABSENT);
        assertThat(request.peerId().toBytes()).isEqualTo(concat(ascii("-lt0D80-"),
                HexFormat.of().parseHex("b4af49a50d2e65755f28adeb")));
    }

    @Test
    void ctorrentEscapesEvenTheDashesOfItsPeerId() throws MalformedRequestException {
        AnnounceRequest request = parse(5);
        assertThat(request.peerId().toBytes()).startsWith(ascii("-CD0303-"));
        assertThat(request.numwant()).isEqualTo(20);
        assertThat(request.key()).isEqualTo(ascii("XKK9R4TP"));
    }

    @Test
    void plusIsNeverASpace() throws MalformedRequestException {
        String query = "info_hash=%03W%e9%95%09cW0%e0%f6%89H%06M%23%cf%84e%db%af&peer_id=-XX0000-++++++++++++&port=1"
                + "&uploaded=0&downloaded=0&left=0&key=a+b";
        AnnounceRequest request = AnnounceRequest.parse(query);
        assertThat(request.peerId().toBytes()).endsWith(ascii("++++"));
        assertThat(request.key()).isEqualTo(ascii("a+b"));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
