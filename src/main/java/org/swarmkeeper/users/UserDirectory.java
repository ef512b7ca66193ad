package org.swarmkeeper.users;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Users by passkey, in memory for the announce path, and the services that change users. Every change goes
 * through here so the in-memory view follows the database.
 */
@Service
public class UserDirectory implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(UserDirectory.class);

    private static final int PASSKEY_LENGTH = 32;

    private final UserRepository repository;
    private final PasskeyGenerator passkeys;
    private final ConcurrentMap<String, UserAccount> byPasskey = new ConcurrentHashMap<>();
    private final ConcurrentMap<Long, UserAccount> byId = new ConcurrentHashMap<>();
    /** Templates rather than @Transactional, for the reason given in TorrentCatalog: no proxy on the announce path. */
    private final TransactionTemplate writes;
    private final TransactionTemplate reads;

    private final Clock clock;

    UserDirectory(UserRepository repository, PasskeyGenerator passkeys, PlatformTransactionManager transactions,
                  Clock clock) {
        this.repository = repository;
        this.clock = clock;
        this.passkeys = passkeys;
        this.writes = new TransactionTemplate(transactions);
        this.reads = new TransactionTemplate(transactions);
        this.reads.setReadOnly(true);
    }

    @Override
    public void afterSingletonsInstantiated() {
        reloadAll();
    }

    /** Reads every user again, e.g. after this node missed change notifications. */
    public synchronized void reloadAll() {
        Set<Long> present = new HashSet<>();
        repository.findAll().forEach(user -> {
            update(user);
            present.add(user.getId());
        });
        byId.keySet().stream().filter(id -> !present.contains(id)).toList().forEach(this::forget);
    }

    /** Number of accounts, disabled ones included. */
    public int count() {
        return byId.size();
    }

    /** Reads one user again after a change made elsewhere (another node, or SQL). */
    public synchronized void refresh(long id) {
        repository.findById(id).ifPresentOrElse(this::update, () -> forget(id));
    }

    /** Caches a user as read now; a passkey that changed stops working at once. */
    private void update(User user) {
        UserAccount cached = byId.get(user.getId());
        if (cached != null && !cached.passkey().equals(user.getPasskey())) {
            byPasskey.remove(cached.passkey(), cached);
        }
        remember(user);
    }

    private void remember(User user) {
        UserAccount account = user.account();
        byPasskey.put(account.passkey(), account);
        byId.put(account.id(), account);
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
        UserAccount cached = byId.remove(id);
        if (cached != null) {
            byPasskey.remove(cached.passkey(), cached);
        }
    }

    /** 32 hex digits, either case; checked by hand, as the regex it replaces was 4 % of an event loop's profile. */
    public static boolean isWellFormedPasskey(String passkey) {
        if (passkey == null || passkey.length() != PASSKEY_LENGTH) {
            return false;
        }
        for (int i = 0; i < PASSKEY_LENGTH; i++) {
            if (!HexFormat.isHexDigit(passkey.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The account with this passkey (either hex case), or {@code null}. */
    public UserAccount byPasskey(String passkey) {
        return byPasskey.get(passkey.toLowerCase(Locale.ROOT));
    }

    /** The account with this id, or {@code null}. */
    public UserAccount byId(long id) {
        return byId.get(id);
    }

    /**
     * Creates a user with a fresh passkey, or with {@code importedPasskey} (32 hex digits) when a community
     * migrates and keeps its .torrent files; empty when the name or the passkey is taken.
     */
    public Optional<User> create(String name, String importedPasskey) {
        String passkey = importedPasskey == null ? passkeys.next() : importedPasskey.toLowerCase(Locale.ROOT);
        return writes.execute(status -> {
            if (repository.existsByName(name) || repository.existsByPasskey(passkey)) {
                return Optional.empty();
            }
            // In milliseconds, as PostgreSQL will read it back: account age is compared with the clock exactly.
            User user = repository.saveAndFlush(new User(name, passkey, clock.instant().truncatedTo(ChronoUnit.MILLIS)));
            refreshAfterCommit(user.getId());
            return Optional.of(user);
        });
    }

    /** Gives the user a new passkey; the old one stops working on this node at commit, on others within seconds. */
    public Optional<User> rotatePasskey(long id) {
        return writes.execute(status -> {
            Optional<User> found = repository.findById(id);
            found.ifPresent(user -> {
                String old = user.getPasskey();
                user.changePasskey(passkeys.next());
                repository.saveAndFlush(user);
                refreshAfterCommit(id);
                log.info("Rotated the passkey of user {} ({} is no longer valid)", id, mask(old));
            });
            return found;
        });
    }

    /** A passkey as it may appear in logs: its first four characters, never enough to announce with. */
    public static String mask(String passkey) {
        return passkey == null || passkey.length() < 4 ? "…" : passkey.substring(0, 4) + "…";
    }

    /** Changes account state. Takes effect on the next announce. */
    public Optional<User> update(long id, AccountChanges changes) {
        return writes.execute(status -> {
            Optional<User> found = repository.findById(id);
            found.ifPresent(user -> {
                user.apply(changes);
                repository.saveAndFlush(user);
                refreshAfterCommit(id);
            });
            return found;
        });
    }

    public Optional<User> find(long id) {
        return reads.execute(status -> repository.findById(id));
    }

    /** User names by id, for admin views of peers. */
    public Map<Long, String> names(Collection<Long> ids) {
        return reads.execute(status -> {
            Map<Long, String> names = new HashMap<>();
            repository.findAllById(ids).forEach(user -> names.put(user.getId(), user.getName()));
            return names;
        });
    }
}
