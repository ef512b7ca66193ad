package org.swarmkeeper.protocol;

import java.util.Arrays;
import java.util.Map;

/** Bencoded tracker answers. Keys are written in sorted byte order, as bencode requires. */
public final class BencodedAnswers {

    /**
     * What an announce answer carries besides the peers.
     *
     * @param retryInMinutes BEP 31's {@code retry in}: the announce was not recorded, come back after this many
     *                       minutes (0: not sent)
     */
    public record AnnounceAnswer(
            int interval,
            int minInterval,
            long complete,
            long incomplete,
            long downloaded,
            byte[] externalIp,
            String warning,
            int retryInMinutes) {
    }

    /** Per-torrent numbers of a scrape answer (BEP 48, {@code downloaders} from BEP 21). */
    public record ScrapeEntry(long complete, long incomplete, long downloaded, long downloaders) {
    }

    private BencodedAnswers() {
    }

    public static byte[] failure(String reason) {
        return failure(reason, 0);
    }

    /** A failure that is temporary: BEP 31's {@code retry in} tells clients to come back after so many minutes. */
    public static byte[] failure(String reason, int retryInMinutes) {
        BencodeWriter out = new BencodeWriter(48 + reason.length())
                .startDictionary().string("failure reason").string(reason);
        if (retryInMinutes > 0) {
            out.string("retry in").integer(retryInMinutes);
        }
        return out.end().toByteArray();
    }

    public static byte[] announce(AnnounceAnswer answer, PeerList peers, boolean compact, boolean noPeerId) {
        BencodeWriter out = new BencodeWriter(160 + peers.size() * (compact ? 24 : 80));
        out.startDictionary()
                .string("complete").integer(answer.complete())
                .string("downloaded").integer(answer.downloaded());
        if (answer.externalIp() != null) {
            out.string("external ip").string(answer.externalIp());
        }
        out.string("incomplete").integer(answer.incomplete())
                .string("interval").integer(answer.interval())
                .string("min interval").integer(answer.minInterval())
                .string("peers");
        if (compact) {
            peers.writeCompact(out, false);
            out.string("peers6");
            peers.writeCompact(out, true);
        } else {
            peers.writeDictionaries(out, !noPeerId);
        }
        if (answer.retryInMinutes() > 0) {
            out.string("retry in").integer(answer.retryInMinutes());
        }
        if (answer.warning() != null) {
            out.string("warning message").string(answer.warning());
        }
        return out.end().toByteArray();
    }

    /** A scrape answer; {@code files} keys are written sorted by their raw bytes. */
    public static byte[] scrape(Map<InfoHash, ScrapeEntry> files) {
        InfoHash[] hashes = files.keySet().toArray(new InfoHash[0]);
        Arrays.sort(hashes, (a, b) -> Arrays.compareUnsigned(a.raw(), b.raw()));
        BencodeWriter out = new BencodeWriter(32 + hashes.length * 100);
        out.startDictionary().string("files").startDictionary();
        for (InfoHash hash : hashes) {
            ScrapeEntry entry = files.get(hash);
            out.string(hash.raw()).startDictionary()
                    .string("complete").integer(entry.complete())
                    .string("downloaded").integer(entry.downloaded())
                    .string("downloaders").integer(entry.downloaders())
                    .string("incomplete").integer(entry.incomplete())
                    .end();
        }
        return out.end().end().toByteArray();
    }
}
