package org.swarmkeeper.announce;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;

import org.springframework.stereotype.Component;
import org.swarmkeeper.protocol.Cidr;
import org.swarmkeeper.users.UserAccount;
import org.swarmkeeper.users.UserDirectory;

/**
 * The passkey in the URL path identifies the user for announce and scrape alike. An address that keeps
 * sending passkeys nobody has (guessing, or a stale torrent in a loop) gets a short "slow down" answer once it
 * used up its allowance ({@code tracker.abuse.*}); valid passkeys always pass. An IPv6 address counts with its
 * whole /64, the smallest block a subscriber is given and may pick addresses from at will. Scrapes are limited per passkey.
 */
@Component
class Passkeys {

    /** Addresses tracked at most for unknown passkeys, and passkeys for scrapes: memory stays bounded. */
    private static final int MAX_TRACKED = 100_000;

    private final UserDirectory users;
    private final RateLimiter<InetAddress> unknownPasskeys;
    private final RateLimiter<Long> scrapes;
    private final String throttledReason;
    private final String scrapeLimitReason;
    /** A throttled client may come back once the window is over (BEP 31). */
    private final int retryInMinutes;

    Passkeys(UserDirectory users, AbuseProperties properties, Clock clock) {
        this.users = users;
        long window = properties.window().toMillis();
        this.retryInMinutes = (int) Math.max(1, (window + 59_999) / 60_000);
        this.unknownPasskeys = new RateLimiter<>(clock, window, properties.unknownPasskeysPerAddress(), MAX_TRACKED);
        this.scrapes = new RateLimiter<>(clock, window, properties.scrapesPerPasskey(), MAX_TRACKED);
        this.throttledReason = "too many unknown passkeys from your address: wait " + properties.window().toSeconds()
                + " s, and check the announce URL in your torrent";
        this.scrapeLimitReason = "scrape limit reached: at most " + properties.scrapesPerPasskey() + " scrapes per "
                + properties.window().toSeconds() + " s";
    }

    UserAccount authenticate(String passkey, InetAddress address) throws Refusal {
        UserAccount user = UserDirectory.isWellFormedPasskey(passkey) ? users.byPasskey(passkey) : null;
        if (user != null) {
            return user; // a valid passkey always gets through: a NAT or a seedbox with stale torrents is not blocked
        }
        if (!unknownPasskeys.tryAcquire(network(address))) {
            throw new Refusal("unknown_passkey_throttled", throttledReason, retryInMinutes);
        }
        throw UserDirectory.isWellFormedPasskey(passkey) ? new Refusal("unknown_passkey", "unknown passkey")
                : new Refusal("invalid_passkey", "invalid passkey: expected 32 hex digits");
    }

    /** The address itself for IPv4; for IPv6 its /64. */
    private static InetAddress network(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        try {
            return InetAddress.getByAddress(Cidr.mask(address.getAddress(), 64));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    /** Counts one scrape of this user, refusing it past the allowance. */
    void countScrape(UserAccount user) throws Refusal {
        if (!scrapes.tryAcquire(user.id())) {
            throw new Refusal("scrape_limited", scrapeLimitReason, retryInMinutes);
        }
    }
}
