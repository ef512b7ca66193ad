package org.swarmkeeper.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * .torrent files made by real tools in a work directory: mktorrent 1.1, transmission-create 3.00 and
 * libtorrent 2.0's Python binding (v1, hybrid and pure v2), with the hashes the tools themselves report. As in
 * {@code RealClientsSwarmTest}, a missing tool skips the test, unless {@code SWARMKEEPER_REAL_CLIENTS=required}
 * (as in {@code .ci/run}), which fails it.
 */
public final class TorrentTools {

    public static final String ANNOUNCE = "http://tracker.invalid/announce";
    private static final Duration LIMIT = Duration.ofSeconds(60);
    /** Transmission 3.00 prints "Hash:", 4.0 "Hash v1:". */
    private static final Pattern TRANSMISSION_HASH = Pattern.compile("^\\s*Hash(?: v1)?: ([0-9a-f]{40})$",
            Pattern.MULTILINE);
    private static final String CREATE_WITH_LIBTORRENT = """
            import os, sys
            import libtorrent as lt

            kind, content, out = sys.argv[1:]
            files = lt.file_storage()
            lt.add_files(files, content)
            torrent = lt.create_torrent(files, 0, lt.create_torrent.v2_only if kind == 'v2' else 0)
            torrent.set_priv(True)
            torrent.add_tracker('%s')
            lt.set_piece_hashes(torrent, os.path.dirname(content))
            with open(out, 'wb') as f:
                f.write(lt.bencode(torrent.generate()))
            info = lt.torrent_info(out)
            hashes = info.info_hashes()
            stored = info.files()
            real = [i for i in range(stored.num_files()) if not stored.file_flags(i) & lt.file_storage.flag_pad_file]
            print('v1=' + (str(hashes.v1) if hashes.has_v1() else '-'))
            print('v2=' + (str(hashes.v2) if hashes.has_v2() else '-'))
            print('size=%%d' %% sum(stored.file_size(i) for i in real))
            print('files=%%d' %% len(real))
            print('private=%%s' %% info.priv())
            """.formatted(ANNOUNCE);

    /** What libtorrent says of a torrent it made: {@code v1}, {@code v2} (hex, "-" when absent), size, files. */
    public record Libtorrent(Path torrent, Map<String, String> reported) {
    }

    private final Path work;

    public TorrentTools(Path work) {
        this.work = work;
    }

    /** Random files under {@code work/content}; returns the top-level file or directory, for the tools. */
    public Path content(Map<String, Integer> files) {
        Path root = work.resolve("content");
        try {
            for (Map.Entry<String, Integer> entry : files.entrySet()) {
                byte[] bytes = new byte[entry.getValue()];
                ThreadLocalRandom.current().nextBytes(bytes);
                Path file = root.resolve(entry.getKey());
                Files.createDirectories(file.getParent());
                Files.write(file, bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return root.resolve(Path.of(files.keySet().iterator().next()).getName(0));
    }

    /** {@code mktorrent} or {@code transmission-create}, private or not. */
    public Path v1(String tool, Path content, boolean privateFlag, String name) {
        RequiredTools.require(tool, runs(tool, tool.equals("mktorrent") ? "-h" : "--version"));
        Path torrent = work.resolve(name);
        String output = torrent.toString();
        if (tool.equals("mktorrent")) {
            run(privateFlag ? new String[] {"mktorrent", "-p", "-a", ANNOUNCE, "-o", output, content.toString()}
                    : new String[] {"mktorrent", "-a", ANNOUNCE, "-o", output, content.toString()});
        } else {
            run(privateFlag ? new String[] {"transmission-create", "-p", "-t", ANNOUNCE, "-o", output, content.toString()}
                    : new String[] {"transmission-create", "-t", ANNOUNCE, "-o", output, content.toString()});
        }
        return torrent;
    }

    /** The v1 info hash {@code transmission-show} prints for a torrent. */
    public String transmissionShowHash(Path torrent) {
        RequiredTools.require("transmission-show", runs("transmission-show", "--version"));
        String shown = run("transmission-show", torrent.toString());
        Matcher hash = TRANSMISSION_HASH.matcher(shown);
        if (!hash.find()) {
            throw new AssertionError("no hash in transmission-show's output: " + shown);
        }
        return hash.group(1);
    }

    /** A private {@code hybrid} or pure {@code v2} torrent of {@code content}, made by libtorrent. */
    public Libtorrent libtorrent(String kind, Path content) {
        String python = libtorrentPython();
        Path torrent = work.resolve(kind + ".torrent");
        try {
            Path script = Files.writeString(work.resolve("create.py"), CREATE_WITH_LIBTORRENT);
            Map<String, String> reported = run(python, script.toString(), kind, content.toString(), torrent.toString())
                    .lines().filter(line -> line.contains("=")).map(line -> line.split("=", 2))
                    .collect(Collectors.toMap(pair -> pair[0], pair -> pair[1]));
            return new Libtorrent(torrent, reported);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A python3 that imports libtorrent: Debian's python3-libtorrent is built for Debian's own interpreter,
     * which a python3 that pyenv or a virtualenv puts first on PATH does not see.
     */
    private String libtorrentPython() {
        String found = Stream.of("python3", "/usr/bin/python3")
                .filter(python -> runs(python, "-c", "import libtorrent")).findFirst().orElse(null);
        RequiredTools.require("python3 with libtorrent (Debian package python3-libtorrent)", found != null);
        return found;
    }

    private boolean runs(String... command) {
        try {
            return Commands.run(work.toFile(), LIMIT, command).succeeded();
        } catch (UncheckedIOException e) { // no such program
            return false;
        }
    }

    private String run(String... command) {
        return Commands.check(work.toFile(), LIMIT, command);
    }
}
