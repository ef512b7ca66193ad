package org.swarmkeeper.torrents;

import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
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
    private final ConcurrentMap<Long, RegisteredTorrent> byId = new ConcurrentHashMap<>();

    TorrentCatalog(TorrentRepository repository) {
        this.repository = repository;
    }

    @Override
    public void afterSingletonsInstantiated() {
        reloadAll();
    }

    /** Reads every torrent again, e.g. after this node missed change notifications. */
    public void reloadAll() {
        Set<Long> present = new HashSet<>();
        repository.findAll().forEach(torrent -> {
            remember(torrent);
            present.add(torrent.getId());
        });
        byId.keySet().stream().filter(id -> !present.contains(id)).toList().forEach(this::forget);
    }

    /** Reads one torrent again after a change made elsewhere (another node, or SQL). */
    public void refresh(long id) {
        Optional<Torrent> torrent = repository.findById(id);
        if (torrent.isPresent()) {
            remember(torrent.get());
        } else {
            forget(id);
        }
    }

    private void forget(long id) {
        RegisteredTorrent cached = byId.remove(id);
        if (cached != null) {
            byInfoHash.values().removeIf(registered -> registered.id() == id);
        }
    }

    /** The torrent announced under this hash, deleted ones included, or {@code null}. */
    public RegisteredTorrent byInfoHash(InfoHash infoHash) {
        return byInfoHash.get(infoHash);
    }

    /** The torrent with this id, or {@code null}. */
    public RegisteredTorrent byId(long id) {
        return byId.get(id);
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

    /** Changes the credit factors; {@code null} leaves one as it is. Applies to the next announce. */
    @Transactional
    public Optional<Torrent> changeFactors(InfoHash infoHash, Double downloadFactor, Double uploadFactor) {
        return change(infoHash, torrent -> torrent.changeFactors(downloadFactor, uploadFactor));
    }

    /**
     * Deletes a torrent for clients: its announces fail with "torrent deleted: {@code reason}". The row, its
     * history and its peers' baselines stay, so users keep their credit and staff their evidence.
     */
    @Transactional
    public Optional<Torrent> delete(InfoHash infoHash, String reason, Instant at) {
        return change(infoHash, torrent -> torrent.delete(reason, at));
    }

    private Optional<Torrent> change(InfoHash infoHash, Consumer<Torrent> change) {
        RegisteredTorrent registered = byInfoHash.get(infoHash);
        Optional<Torrent> found = registered == null ? Optional.empty() : repository.findById(registered.id());
        found.ifPresent(torrent -> {
            change.accept(torrent);
            remember(repository.saveAndFlush(torrent));
        });
        return found;
    }

    private void remember(Torrent torrent) {
        RegisteredTorrent registered = torrent.registered();
        byId.put(registered.id(), registered);
        byInfoHash.put(registered.infoHash(), registered);
        if (torrent.getInfoHashV2() != null) {
            byInfoHash.put(InfoHash.truncatedV2(torrent.getInfoHashV2()), registered);
        }
    }
}
