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

    private Instant createdAt;

    private Instant updatedAt;

    protected Torrent() {
    }

    Torrent(InfoHash infoHash, byte[] infoHashV2, String name, long size) {
        this.infoHash = infoHash.toBytes();
        this.infoHashV2 = infoHashV2;
        this.name = name;
        this.size = size;
        this.createdAt = Instant.now();
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

    RegisteredTorrent registered() {
        return new RegisteredTorrent(id, getInfoHash(), name, size, snatches);
    }
}
