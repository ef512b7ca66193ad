package org.swarmkeeper.torrents;

import org.swarmkeeper.protocol.InfoHash;

/**
 * What the announce path needs to know about a torrent, held in memory by info hash and by id.
 *
 * @param snatches       the count recorded when the torrent was loaded; live swarms keep the current one
 * @param downloadFactor share of downloaded bytes that is credited (0 = freeleech)
 * @param uploadFactor   share of uploaded bytes that is credited (2 = double upload)
 * @param deletionReason why staff deleted the torrent, or {@code null} while it is live
 * @param truncatedV2    the first 20 bytes of a v2 or hybrid torrent's SHA-256 info hash, or {@code null}
 * @param freeleechUntilMillis     freeleech until this instant, whatever {@code downloadFactor} says (0: none)
 * @param doubleUploadUntilMillis  double upload until this instant (0: none)
 * @param moderationReason         why it is rejected or postponed, or {@code null}
 * @param uploaderId               the user who uploaded it, 0 when not known
 * @param createdAtMillis          when it was registered
 */
public record RegisteredTorrent(long id, InfoHash infoHash, String name, long size, long snatches,
                                double downloadFactor, double uploadFactor, String deletionReason,
                                InfoHash truncatedV2, long freeleechUntilMillis, long doubleUploadUntilMillis,
                                Moderation moderation, String moderationReason, long uploaderId,
                                long createdAtMillis) {

    public boolean deleted() {
        return deletionReason != null;
    }
}
