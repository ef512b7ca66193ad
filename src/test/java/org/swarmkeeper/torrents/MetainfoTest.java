package org.swarmkeeper.torrents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.swarmkeeper.protocol.BencodeWriter;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.TorrentTools;

/**
 * Torrents made by real tools (mktorrent 1.1, Transmission 3.00, libtorrent 2.0's Python binding) parse to the
 * hashes those tools compute, and hostile files are refused with a reason. As in {@code RealClientsSwarmTest}, a
 * missing tool skips its test, unless {@code SWARMKEEPER_REAL_CLIENTS=required} (as in {@code .ci/run}).
 */
class MetainfoTest {

    private static final Map<String, Integer> SINGLE = Map.of("single.bin", 70_001);
    /** Sizes that are not multiples of a piece, so that hybrid torrents get padding files. */
    private static final Map<String, Integer> MULTI = Map.of("album/a.bin", 100_000, "album/sub/b.bin", 33_333,
            "album/c.bin", 1);

    @TempDir
    Path work;

    private TorrentTools tools;

    @BeforeEach
    void tools() {
        tools = new TorrentTools(work);
    }

    @ParameterizedTest(name = "{0}, multi-file {1}")
    @CsvSource({"mktorrent, false", "mktorrent, true", "transmission-create, false", "transmission-create, true"})
    void v1TorrentsHaveTheHashTransmissionShows(String tool, boolean multiFile) throws Exception {
        Map<String, Integer> files = multiFile ? MULTI : SINGLE;
        Path content = tools.content(files);
        Path torrent = tools.v1(tool, content, true, "v1.torrent");

        Metainfo metainfo = Metainfo.parse(Files.readAllBytes(torrent));
        assertThat(metainfo.infoHash()).isEqualTo(InfoHash.fromHex(tools.transmissionShowHash(torrent)));
        assertThat(metainfo.infoHashV2()).isNull();
        assertThat(metainfo.swarmHash()).isEqualTo(metainfo.infoHash());
        assertThat(metainfo.name()).isEqualTo(content.getFileName().toString());
        assertThat(metainfo.size()).isEqualTo(total(files));
        assertThat(metainfo.fileCount()).isEqualTo(files.size());
        assertThat(metainfo.privateFlag()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hybrid", "v2"})
    void libtorrentHybridAndPureV2TorrentsHaveTheHashesLibtorrentComputes(String kind) throws Exception {
        TorrentTools.Libtorrent made = tools.libtorrent(kind, tools.content(MULTI));
        Map<String, String> libtorrent = made.reported();
        byte[] file = Files.readAllBytes(made.torrent());
        assertThat(new String(file, StandardCharsets.ISO_8859_1).contains("4:attr1:p"))
                .as("BEP 47 padding files in v1 file lists").isEqualTo(kind.equals("hybrid"));

        Metainfo metainfo = Metainfo.parse(file);
        assertThat(metainfo.infoHash() == null ? "-" : metainfo.infoHash().hex()).isEqualTo(libtorrent.get("v1"));
        assertThat(metainfo.infoHashV2()).isEqualTo(HexFormat.of().parseHex(libtorrent.get("v2")));
        assertThat(metainfo.swarmHash()).isEqualTo(kind.equals("hybrid") ? metainfo.infoHash()
                : InfoHash.truncatedV2(metainfo.infoHashV2()));
        assertThat(metainfo.name()).isEqualTo("album");
        assertThat(metainfo.size()).isEqualTo(total(MULTI)).isEqualTo(Long.parseLong(libtorrent.get("size")));
        assertThat(metainfo.fileCount()).isEqualTo(MULTI.size()).isEqualTo(Integer.parseInt(libtorrent.get("files")));
        assertThat(metainfo.privateFlag()).isEqualTo(Boolean.parseBoolean(libtorrent.get("private"))).isTrue();
    }

    @Test
    void nonPrivateTorrentWithUtf8Name() throws Exception {
        byte[] file = new BencodeWriter(64).startDictionary().string("info").startDictionary()
                .string("length").integer(3).string("name").string("Café ☕").string("private").integer(0)
                .end().end().toByteArray();
        Metainfo metainfo = Metainfo.parse(file);
        assertThat(metainfo.name()).isEqualTo("Café ☕");
        assertThat(metainfo.privateFlag()).isFalse();
        assertThat(Metainfo.parse(bytes("d4:infod6:lengthi3e4:name1:xee")).privateFlag()).isFalse();
    }

    @Test
    void hashesAreOverTheInfoBytesAsWrittenNotReEncoded() throws Exception {
        String info = "d4:name1:x6:lengthi3ee"; // keys out of order: re-encoding would sort them
        Metainfo metainfo = Metainfo.parse(bytes("d8:announce3:url4:info" + info + "e"));
        assertThat(metainfo.infoHash()).isEqualTo(InfoHash.of(digest("SHA-1", info)));
    }

    @Test
    void handMadePureV2Torrent() throws Exception {
        String info = "d9:file treed1:ad1:bd0:d6:lengthi7eeee1:cd0:d6:lengthi0eeee12:meta versioni2e4:name1:xe";
        Metainfo metainfo = Metainfo.parse(bytes("d4:info" + info + "e"));
        assertThat(metainfo.infoHash()).isNull();
        assertThat(metainfo.infoHashV2()).isEqualTo(digest("SHA-256", info));
        assertThat(metainfo.swarmHash()).isEqualTo(InfoHash.truncatedV2(digest("SHA-256", info)));
        assertThat(metainfo.size()).isEqualTo(7);
        assertThat(metainfo.fileCount()).isEqualTo(2);
    }

    static Stream<Arguments> hostileFiles() {
        String file = "d6:lengthi1e4:pathl1:aee";
        String huge = "d6:lengthi900000000000000000e4:pathl1:aee";
        return Stream.of(
                Arguments.of("", "not bencoded: unexpected end of input"),
                Arguments.of("garbage", "not bencoded"),
                Arguments.of("d4:infod6:lengthi5e4:name", "not bencoded: unexpected end of input"),
                Arguments.of("d4:infod6:lengthi5e4:name1:xeetrailing", "not bencoded: trailing bytes at 30"),
                Arguments.of("li1ee", "not bencoded: not a dictionary"),
                Arguments.of("d4:infod6:lengthi12345678901234567890e4:name1:xee", "not bencoded: invalid number"),
                Arguments.of("d4:info" + "l".repeat(70) + "e".repeat(70) + "e", "not bencoded: nesting too deep"),
                Arguments.of("d8:announce3:urle", "no info dictionary"),
                Arguments.of("d4:infoli1eee", "info is not a dictionary"),
                Arguments.of(info("6:lengthi1e"), "info.name missing"),
                Arguments.of(info("6:lengthi1e4:namei7e"), "info.name is not a non-empty string"),
                Arguments.of(info("6:lengthi1e4:name0:"), "info.name is not a non-empty string"),
                Arguments.of(info("4:name1:x"), "info has no length, files or file tree"),
                Arguments.of(info("6:lengthi-1e4:name1:x"), "info.length is not a non-negative integer"),
                Arguments.of(info("6:length1:54:name1:x"), "info.length is not a non-negative integer"),
                Arguments.of(info("5:filesl" + file + "e6:lengthi1e4:name1:x"), "info has both length and files"),
                Arguments.of(info("5:filesle4:name1:x"), "info.files is not a non-empty list"),
                Arguments.of(info("5:files1:x4:name1:x"), "info.files is not a non-empty list"),
                Arguments.of(info("5:filesl" + file + "i1ee4:name1:x"), "info.files[1] is not a dictionary"),
                Arguments.of(info("5:filesld6:length1:54:pathl1:aeee4:name1:x"),
                        "info.files[0].length is not a non-negative integer"),
                Arguments.of(info("5:filesld6:lengthi-5e4:pathl1:aeee4:name1:x"),
                        "info.files[0].length is not a non-negative integer"),
                Arguments.of(info("5:filesld4:pathl1:aeee4:name1:x"), "info.files[0].length missing"),
                Arguments.of(info("5:filesld6:lengthi1eee4:name1:x"),
                        "info.files[0].path is not a non-empty list of strings"),
                Arguments.of(info("5:filesld6:lengthi1e4:pathli1eeee4:name1:x"),
                        "info.files[0].path is not a non-empty list of strings"),
                Arguments.of(info("5:filesld4:attri1e6:lengthi1e4:pathl1:aeee4:name1:x"),
                        "info.files[0].attr is not a string"),
                Arguments.of(info("5:filesl" + huge.repeat(11) + "e4:name1:x"), "total size overflows"),
                Arguments.of(info("12:meta versioni3e4:name1:x"), "info.meta version: only version 2 is known"),
                Arguments.of(info("12:meta versioni2e4:name1:x"), "file tree: missing or empty"),
                Arguments.of(info("9:file treede12:meta versioni2e4:name1:x"), "file tree: missing or empty"),
                Arguments.of(info("9:file treed1:ai1ee12:meta versioni2e4:name1:x"),
                        "file tree: /a is neither a file nor a directory"),
                Arguments.of(info("9:file treed1:adee12:meta versioni2e4:name1:x"),
                        "file tree: /a is neither a file nor a directory"),
                Arguments.of(info("9:file treed0:d6:lengthi1eee12:meta versioni2e4:name1:x"),
                        "file tree: / is neither a file nor a directory"),
                Arguments.of(info("9:file treed1:ad0:d6:lengthi1ee1:bd0:d6:lengthi1eeeee12:meta versioni2e4:name1:x"),
                        "file tree: /a is neither a file nor a directory"),
                Arguments.of(info("9:file treed1:ad0:d6:lengthi-1eeee12:meta versioni2e4:name1:x"),
                        "file tree: /a length is not a non-negative integer"),
                Arguments.of(info("9:file treed1:ad0:d11:pieces root0:eee12:meta versioni2e4:name1:x"),
                        "file tree: /a length missing"),
                Arguments.of(info("9:file tree" + "d1:a".repeat(70) + "d0:d6:lengthi1ee" + "e".repeat(70)
                        + "12:meta versioni2e4:name1:x"), "not bencoded: nesting too deep"),
                Arguments.of(info("9:file treed1:ad0:d6:lengthi2eeee6:lengthi1e12:meta versioni2e4:name1:x"),
                        "hybrid torrent whose v1 files and v2 file tree differ"));
    }

    @ParameterizedTest
    @MethodSource("hostileFiles")
    void hostileFilesAreRefusedWithAReason(String file, String reason) {
        assertThatThrownBy(() -> Metainfo.parse(bytes(file)))
                .isInstanceOf(Metainfo.InvalidMetainfoException.class).hasMessageStartingWith(reason);
    }

    private static String info(String entries) {
        return "d4:infod" + entries + "ee";
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] digest(String algorithm, String text) throws Exception {
        return MessageDigest.getInstance(algorithm).digest(bytes(text));
    }

    private static long total(Map<String, Integer> files) {
        return files.values().stream().mapToLong(Integer::longValue).sum();
    }
}
