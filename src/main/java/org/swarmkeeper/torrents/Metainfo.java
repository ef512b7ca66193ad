package org.swarmkeeper.torrents;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;

import org.swarmkeeper.protocol.BencodeReader;
import org.swarmkeeper.protocol.InfoHash;

/**
 * What the tracker needs from an uploaded .torrent file: the hashes clients will announce, a name, the content
 * size and the private flag (BEP 27), for v1, v2 and hybrid torrents (BEP 52). Hashes are taken over the info
 * dictionary's bytes as written, the way clients take them. An upload is hostile input: whatever is malformed
 * is an {@link InvalidMetainfoException} saying what, never another exception.
 *
 * @param infoHash   SHA-1 of the info dictionary, or {@code null} for a pure v2 torrent
 * @param infoHashV2 the full 32-byte SHA-256 of the info dictionary of a v2 or hybrid torrent, else {@code null}
 * @param size       content bytes, without BEP 47 padding files
 * @param fileCount  content files, without padding files
 */
public record Metainfo(InfoHash infoHash, byte[] infoHashV2, String name, long size, boolean privateFlag,
                       int fileCount) {

    /** A file that is not a torrent this tracker can register; the message tells the uploader why. */
    public static final class InvalidMetainfoException extends Exception {
        InvalidMetainfoException(String message) {
            super(message, null, false, false);
        }
    }

    /** Files and bytes counted so far; a hybrid torrent's v1 and v2 halves must come to the same. */
    private record Content(long size, int files) {

        static final Content NONE = new Content(0, 0);

        Content plus(long length) throws InvalidMetainfoException {
            try {
                return new Content(Math.addExact(size, length), files + 1);
            } catch (ArithmeticException e) {
                throw new InvalidMetainfoException("total size overflows");
            }
        }
    }

    public Metainfo {
        infoHashV2 = infoHashV2 == null ? null : infoHashV2.clone();
    }

    @Override
    public byte[] infoHashV2() {
        return infoHashV2 == null ? null : infoHashV2.clone();
    }

    /** The 20-byte hash a swarm is announced under: the v1 hash, or a pure v2 torrent's truncated SHA-256. */
    public InfoHash swarmHash() {
        return infoHash != null ? infoHash : InfoHash.truncatedV2(infoHashV2);
    }

    public static Metainfo parse(byte[] file) throws InvalidMetainfoException {
        byte[] raw;
        Object decoded;
        try {
            raw = BencodeReader.rawValue(file, "info");
            decoded = raw == null ? null : BencodeReader.decode(raw);
        } catch (BencodeReader.BencodeException e) {
            throw new InvalidMetainfoException("not bencoded: " + e.getMessage());
        }
        if (decoded == null) {
            throw new InvalidMetainfoException("no info dictionary");
        }
        if (!(decoded instanceof Map<?, ?> info)) {
            throw new InvalidMetainfoException("info is not a dictionary");
        }
        Object name = info.get("name");
        if (name == null) {
            throw new InvalidMetainfoException("info.name missing");
        }
        if (!(name instanceof byte[] text) || text.length == 0) {
            throw new InvalidMetainfoException("info.name is not a non-empty string");
        }
        Object metaVersion = info.get("meta version");
        boolean v2 = metaVersion != null;
        if (v2 && !Long.valueOf(2).equals(metaVersion)) {
            throw new InvalidMetainfoException("info.meta version: only version 2 is known");
        }
        boolean v1 = info.containsKey("length") || info.containsKey("files");
        if (!v1 && !v2) {
            throw new InvalidMetainfoException("info has no length, files or file tree");
        }
        Content v1Content = v1 ? v1Content(info) : null;
        Content v2Content = v2 ? v2Content(info.get("file tree")) : null;
        if (v1 && v2 && !v1Content.equals(v2Content)) {
            throw new InvalidMetainfoException("hybrid torrent whose v1 files and v2 file tree differ");
        }
        Content content = v1 ? v1Content : v2Content;
        return new Metainfo(v1 ? InfoHash.of(digest("SHA-1", raw)) : null, v2 ? digest("SHA-256", raw) : null,
                new String(text, StandardCharsets.UTF_8), content.size(), Long.valueOf(1).equals(info.get("private")),
                content.files());
    }

    private static Content v1Content(Map<?, ?> info) throws InvalidMetainfoException {
        if (!info.containsKey("files")) {
            return Content.NONE.plus(length(info.get("length"), "info.length"));
        }
        if (info.containsKey("length")) {
            throw new InvalidMetainfoException("info has both length and files");
        }
        if (!(info.get("files") instanceof List<?> files) || files.isEmpty()) {
            throw new InvalidMetainfoException("info.files is not a non-empty list");
        }
        Content content = Content.NONE;
        for (int i = 0; i < files.size(); i++) {
            String what = "info.files[" + i + "]";
            if (!(files.get(i) instanceof Map<?, ?> file)) {
                throw new InvalidMetainfoException(what + " is not a dictionary");
            }
            if (!(file.get("path") instanceof List<?> path) || path.isEmpty()
                    || !path.stream().allMatch(byte[].class::isInstance)) {
                throw new InvalidMetainfoException(what + ".path is not a non-empty list of strings");
            }
            Object attr = file.containsKey("attr") ? file.get("attr") : new byte[0];
            if (!(attr instanceof byte[] flags)) {
                throw new InvalidMetainfoException(what + ".attr is not a string");
            }
            long length = length(file.get("length"), what + ".length");
            if (new String(flags, StandardCharsets.ISO_8859_1).indexOf('p') < 0) {
                content = content.plus(length);
            }
        }
        return content;
    }

    private static Content v2Content(Object fileTree) throws InvalidMetainfoException {
        if (!(fileTree instanceof Map<?, ?> root) || root.isEmpty()) {
            throw new InvalidMetainfoException("file tree: missing or empty");
        }
        return directory(root, "", Content.NONE);
    }

    /** Entries map a name to a directory, or to {"": {length, pieces root}} for a file. */
    private static Content directory(Map<?, ?> entries, String path, Content content)
            throws InvalidMetainfoException {
        for (Map.Entry<?, ?> entry : entries.entrySet()) {
            String key = (String) entry.getKey();
            String child = path + "/" + new String(key.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            if (key.isEmpty() || !(entry.getValue() instanceof Map<?, ?> node) || node.isEmpty()) {
                throw new InvalidMetainfoException("file tree: " + child + " is neither a file nor a directory");
            }
            if (!node.containsKey("")) {
                content = directory(node, child, content);
            } else if (node.size() == 1 && node.get("") instanceof Map<?, ?> file) {
                content = content.plus(length(file.get("length"), "file tree: " + child + " length"));
            } else {
                throw new InvalidMetainfoException("file tree: " + child + " is neither a file nor a directory");
            }
        }
        return content;
    }

    private static long length(Object value, String what) throws InvalidMetainfoException {
        if (value == null) {
            throw new InvalidMetainfoException(what + " missing");
        }
        if (!(value instanceof Long length) || length < 0) {
            throw new InvalidMetainfoException(what + " is not a non-negative integer");
        }
        return length;
    }

    private static byte[] digest(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
