package org.swarmkeeper.torrents;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.swarmkeeper.protocol.InfoHash;

/** A registered torrent. {@code snatches} is written only by the ledger. */
@Entity
@Table(name = "torrents")
public class Torrent {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private byte[] infoHash;

    @Column(name = "info_hash_v2")
    private byte[] infoHashV2;

    private String name;

    private long size;

    @Column(insertable = false, updatable = false)
    private long snatches;

    private double downloadFactor = 1;

    private double uploadFactor = 1;

    private Instant deletedAt;

    private String deletionReason;

    private Instant freeleechUntil;

    private Instant doubleUploadUntil;

    private String moderation = "approved";

    private String moderationReason;

    private Long uploaderId;

    private Instant createdAt;

    private Instant updatedAt;

    protected Torrent() {
    }

    Torrent(InfoHash infoHash, byte[] infoHashV2, String name, long size, Long uploaderId, Moderation moderation,
            Instant createdAt) {
        this.infoHash = infoHash.toBytes();
        this.infoHashV2 = infoHashV2;
        this.name = name;
        this.size = size;
        this.uploaderId = uploaderId;
        this.moderation = moderation.code();
        this.createdAt = createdAt;
        this.updatedAt = createdAt;
    }

    public Long getId() {
        return id;
    }

    public InfoHash getInfoHash() {
        return InfoHash.of(infoHash);
    }

    public byte[] getInfoHashV2() {
        return infoHashV2 == null ? null : infoHashV2.clone();
    }

    public String getName() {
        return name;
    }

    public long getSize() {
        return size;
    }

    public long getSnatches() {
        return snatches;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public double getDownloadFactor() {
        return downloadFactor;
    }

    public double getUploadFactor() {
        return uploadFactor;
    }

    public Instant getDeletedAt() {
        return deletedAt;
    }

    public String getDeletionReason() {
        return deletionReason;
    }

    public Instant getFreeleechUntil() {
        return freeleechUntil;
    }

    public Instant getDoubleUploadUntil() {
        return doubleUploadUntil;
    }

    public Moderation getModeration() {
        return Moderation.of(moderation).orElseThrow();
    }

    public String getModerationReason() {
        return moderationReason;
    }

    public Long getUploaderId() {
        return uploaderId;
    }

    void change(TorrentChanges changes) {
        if (changes.downloadFactor() != null) {
            this.downloadFactor = changes.downloadFactor();
        }
        if (changes.uploadFactor() != null) {
            this.uploadFactor = changes.uploadFactor();
        }
        if (changes.freeleechUntil() != null) {
            this.freeleechUntil = changes.freeleechUntil().orElse(null);
        }
        if (changes.doubleUploadUntil() != null) {
            this.doubleUploadUntil = changes.doubleUploadUntil().orElse(null);
        }
        if (changes.moderation() != null) {
            this.moderation = changes.moderation().code();
            this.moderationReason = changes.moderationReason();
        }
        this.updatedAt = Instant.now();
    }

    void delete(String reason, Instant at) {
        this.deletionReason = reason;
        this.deletedAt = at;
        this.updatedAt = at;
    }

    RegisteredTorrent registered() {
        return new RegisteredTorrent(id, getInfoHash(), name, size, snatches, downloadFactor, uploadFactor,
                deletionReason, infoHashV2 == null ? null : InfoHash.truncatedV2(infoHashV2),
                freeleechUntil == null ? 0 : freeleechUntil.toEpochMilli(),
                doubleUploadUntil == null ? 0 : doubleUploadUntil.toEpochMilli(), getModeration(), moderationReason,
                uploaderId == null ? 0 : uploaderId, createdAt.toEpochMilli());
    }
}
