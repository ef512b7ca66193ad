package org.swarmkeeper.torrents;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
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
    /*
     * Transactions are demarcated with templates, not @Transactional: a proxied bean would pay a reflective call
     * on every announce's lookup (6 % of the request threads' samples in JFR at the benchmark's peak).
     */
    private final TransactionTemplate writes;
    private final TransactionTemplate reads;

    private final Clock clock;

    TorrentCatalog(TorrentRepository repository, PlatformTransactionManager transactions, Clock clock) {
        this.repository = repository;
        this.clock = clock;
        this.writes = new TransactionTemplate(transactions);
        this.reads = new TransactionTemplate(transactions);
        this.reads.setReadOnly(true);
    }

    @Override
    public void afterSingletonsInstantiated() {
        reloadAll();
    }

    /** Reads every torrent again, e.g. after this node missed change notifications. */
    public synchronized void reloadAll() {
        Set<Long> present = new HashSet<>();
        repository.findAll().forEach(torrent -> {
            remember(torrent);
            present.add(torrent.getId());
        });
        byId.keySet().stream().filter(id -> !present.contains(id)).toList().forEach(this::forget);
    }

    /** Reads one torrent again after a change made elsewhere (another node, or SQL); a changed hash moves. */
    public synchronized void refresh(long id) {
        repository.findById(id).ifPresentOrElse(this::remember, () -> forget(id));
    }

    /**
     * Re-reads a row this node just changed once the change has committed, under the same lock as refreshes
     * triggered by notifications: a refresh that read the row before the commit can then never win over it.
     */
    private void refreshAfterCommit(long id) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                refresh(id);
            }
        });
    }

    private void forget(long id) {
        RegisteredTorrent cached = byId.remove(id);
        if (cached != null) {
            byInfoHash.remove(cached.infoHash(), cached);
            if (cached.truncatedV2() != null) {
                byInfoHash.remove(cached.truncatedV2(), cached);
            }
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

    /** Every registered torrent as held in memory, deleted ones included. */
    public Collection<RegisteredTorrent> all() {
        return Collections.unmodifiableCollection(byId.values());
    }

    /** The full rows (dates, v2 hash) of these torrents, by id. */
    public Map<Long, Torrent> rows(Collection<Long> ids) {
        return reads.execute(status -> {
            Map<Long, Torrent> rows = new HashMap<>();
            repository.findAllById(ids).forEach(torrent -> rows.put(torrent.getId(), torrent));
            return rows;
        });
    }

    /**
     * Registers a torrent, uploaded by {@code uploaderId} ({@code null}: not known), in the given moderation state;
     * empty when either hash is already registered.
     */
    public Optional<Torrent> register(InfoHash infoHash, byte[] infoHashV2, String name, long size, Long uploaderId,
                                      Moderation moderation) {
        return writes.execute(status -> {
            if (byInfoHash.containsKey(infoHash) || repository.existsByInfoHash(infoHash.toBytes())
                    || (infoHashV2 != null && repository.existsByInfoHashV2(infoHashV2))) {
                return Optional.empty();
            }
            Torrent torrent = repository.saveAndFlush(new Torrent(infoHash, infoHashV2, name, size, uploaderId,
                    moderation, clock.instant().truncatedTo(ChronoUnit.MILLIS))); // as PostgreSQL will read it back
            refreshAfterCommit(torrent.getId());
            return Optional.of(torrent);
        });
    }

    public Optional<Torrent> find(InfoHash infoHash) {
        RegisteredTorrent registered = byInfoHash.get(infoHash);
        return registered == null ? Optional.empty() : reads.execute(status -> repository.findById(registered.id()));
    }

    /** Changes credit factors, timed freeleech and double upload, moderation. Applies to the next announce. */
    public Optional<Torrent> change(InfoHash infoHash, TorrentChanges changes) {
        return change(infoHash, torrent -> torrent.change(changes));
    }

    /**
     * Deletes a torrent for clients: its announces fail with "torrent deleted: {@code reason}". The row, its
     * history and its peers' baselines stay, so users keep their credit and staff their evidence.
     */
    public Optional<Torrent> delete(InfoHash infoHash, String reason, Instant at) {
        return change(infoHash, torrent -> torrent.delete(reason, at));
    }

    private Optional<Torrent> change(InfoHash infoHash, Consumer<Torrent> change) {
        RegisteredTorrent registered = byInfoHash.get(infoHash);
        if (registered == null) {
            return Optional.empty();
        }
        return writes.execute(status -> {
            Optional<Torrent> found = repository.findById(registered.id());
            found.ifPresent(torrent -> {
                change.accept(torrent);
                repository.saveAndFlush(torrent);
                refreshAfterCommit(torrent.getId());
            });
            return found;
        });
    }

    /**
     * Caches a torrent as read now. The new entries go in first and only then do hashes it no longer has go
     * out, so announces never see it missing while it is re-read.
     */
    private void remember(Torrent torrent) {
        RegisteredTorrent registered = torrent.registered();
        RegisteredTorrent cached = byId.put(registered.id(), registered);
        byInfoHash.put(registered.infoHash(), registered);
        if (registered.truncatedV2() != null) {
            byInfoHash.put(registered.truncatedV2(), registered);
        }
        if (cached != null) {
            dropIfMoved(cached.infoHash(), registered, cached);
            dropIfMoved(cached.truncatedV2(), registered, cached);
        }
    }

    /** Removes a hash the torrent had before and no longer has (never one it still has). */
    private void dropIfMoved(InfoHash previous, RegisteredTorrent now, RegisteredTorrent before) {
        if (previous != null && !previous.equals(now.infoHash()) && !previous.equals(now.truncatedV2())) {
            byInfoHash.remove(previous, before);
        }
    }
}
