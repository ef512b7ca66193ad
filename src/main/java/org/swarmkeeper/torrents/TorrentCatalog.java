package org.swarmkeeper.torrents;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.swarmkeeper.protocol.InfoHash;

/**
 * Registered torrents by info hash, in memory for the announce path: a hybrid torrent is found under its v1
 * hash and under its truncated v2 hash, so both announces land in one swarm.
 */
@Service
public class TorrentCatalog implements SmartInitializingSingleton {

    private final TorrentRepository repository;
    private final ConcurrentMap<InfoHash, RegisteredTorrent> byInfoHash = new ConcurrentHashMap<>();

    TorrentCatalog(TorrentRepository repository) {
        this.repository = repository;
    }

    @Override
    public void afterSingletonsInstantiated() {
        repository.findAll().forEach(this::remember);
    }

    /** The torrent announced under this hash, or {@code null}. */
    public RegisteredTorrent byInfoHash(InfoHash infoHash) {
        return byInfoHash.get(infoHash);
    }

    /** Registers a torrent; empty when either hash is already registered. */
    @Transactional
    public Optional<Torrent> register(InfoHash infoHash, byte[] infoHashV2, String name, long size) {
        if (byInfoHash.containsKey(infoHash) || repository.existsByInfoHash(infoHash.toBytes())
                || (infoHashV2 != null && repository.existsByInfoHashV2(infoHashV2))) {
            return Optional.empty();
        }
        Torrent torrent = repository.saveAndFlush(new Torrent(infoHash, infoHashV2, name, size));
        remember(torrent);
        return Optional.of(torrent);
    }

    @Transactional(readOnly = true)
    public Optional<Torrent> find(InfoHash infoHash) {
        RegisteredTorrent registered = byInfoHash.get(infoHash);
        return registered == null ? Optional.empty() : repository.findById(registered.id());
    }

    private void remember(Torrent torrent) {
        RegisteredTorrent registered = torrent.registered();
        byInfoHash.put(registered.infoHash(), registered);
        if (torrent.getInfoHashV2() != null) {
            byInfoHash.put(InfoHash.truncatedV2(torrent.getInfoHashV2()), registered);
        }
    }
}
