package org.swarmkeeper.changes;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.swarmkeeper.policy.ClientAllowList;
import org.swarmkeeper.policy.FreeleechTokens;
import org.swarmkeeper.policy.IpBans;
import org.swarmkeeper.policy.LeechRights;
import org.swarmkeeper.policy.SiteEvents;
import org.swarmkeeper.torrents.TorrentCatalog;
import org.swarmkeeper.users.UserDirectory;

/**
 * Listens on {@code swarmkeeper_changes} (triggers of {@code V3__change_notifications.sql}) over one dedicated
 * connection and refreshes what changed: a user or torrent by id, a policy list whole. After losing the
 * connection it reconnects and reloads everything, since notifications sent meanwhile are gone.
 */
@Component
class DatabaseChanges implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DatabaseChanges.class);
    private static final String CHANNEL = "swarmkeeper_changes";
    private static final int POLL_MILLIS = 500;
    private static final long RETRY_MILLIS = 2_000;
    private static final long CHECK_NANOS = 10_000_000_000L;

    private final DataSource dataSource;
    private final UserDirectory users;
    private final TorrentCatalog torrents;
    private final ClientAllowList clients;
    private final IpBans ipBans;
    private final SiteEvents siteEvents;
    private final FreeleechTokens tokens;
    private final LeechRights leechRights;
    private volatile boolean running;
    private Thread worker;

    DatabaseChanges(DataSource dataSource, UserDirectory users, TorrentCatalog torrents, ClientAllowList clients,
                    IpBans ipBans, SiteEvents siteEvents, FreeleechTokens tokens, LeechRights leechRights) {
        this.dataSource = dataSource;
        this.users = users;
        this.torrents = torrents;
        this.clients = clients;
        this.ipBans = ipBans;
        this.siteEvents = siteEvents;
        this.tokens = tokens;
        this.leechRights = leechRights;
    }

    @Override
    public void start() {
        running = true;
        worker = new Thread(this::run, "database-changes");
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    public void stop() {
        running = false;
        worker.interrupt();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Listens until stopped. Every (re)connection reloads everything once LISTEN is in place, the first one
     * included: a change committed between the caches' first load and LISTEN would otherwise be missed.
     */
    private void run() {
        boolean reconnecting = false;
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                    reloadAll();
                    if (reconnecting) {
                        log.info("Listening for changes again; reloaded users, torrents and policy lists");
                        reconnecting = false;
                    }
                    listen(connection.unwrap(PGConnection.class), statement);
                }
            } catch (SQLException e) {
                if (!running) {
                    return;
                }
                if (!reconnecting) {
                    log.warn("Lost the change notifications ({}); retrying every {} ms", e.getMessage(), RETRY_MILLIS);
                }
                reconnecting = true;
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Applies notifications as they come; a query now and then finds a connection that died silently. */
    private void listen(PGConnection postgres, Statement statement) throws SQLException {
        long nextCheck = System.nanoTime() + CHECK_NANOS;
        while (running) {
            PGNotification[] notifications = postgres.getNotifications(POLL_MILLIS);
            if (notifications != null) {
                for (PGNotification notification : notifications) {
                    apply(notification.getParameter());
                }
            }
            if (System.nanoTime() > nextCheck) {
                statement.execute("SELECT 1");
                nextCheck = System.nanoTime() + CHECK_NANOS;
            }
        }
    }

    /**
     * Applies one notification: {@code users:<id>}, {@code torrents:<id>} or a policy table's name. A change
     * that cannot be applied is logged and does not stop the others.
     */
    void apply(String payload) {
        safely(payload, () -> dispatch(payload));
    }

    private static void safely(String change, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.error("Could not apply the change {}: {}", change, e.toString());
        }
    }

    private void dispatch(String payload) {
        int colon = payload.indexOf(':');
        String table = colon < 0 ? payload : payload.substring(0, colon);
        switch (table) {
            case "users" -> users.refresh(Long.parseLong(payload.substring(colon + 1)));
            case "torrents" -> torrents.refresh(Long.parseLong(payload.substring(colon + 1)));
            case "client_rules" -> clients.reload();
            case "ip_bans" -> ipBans.reload();
            case "site_events" -> siteEvents.reload();
            case "freeleech_tokens" -> tokens.reload();
            case "user_standing", "hit_and_runs" -> leechRights.reload();
            default -> log.warn("Ignoring an unknown change notification: {}", payload);
        }
    }

    private void reloadAll() {
        safely("users (all)", users::reloadAll);
        safely("torrents (all)", torrents::reloadAll);
        safely("client_rules", clients::reload);
        safely("ip_bans", ipBans::reload);
        safely("site_events", siteEvents::reload);
        safely("freeleech_tokens", tokens::reload);
        safely("leech rights", leechRights::reload);
    }
}
