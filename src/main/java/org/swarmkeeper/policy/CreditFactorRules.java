package org.swarmkeeper.policy;

import org.springframework.stereotype.Component;
import org.swarmkeeper.accounting.CreditRules;
import org.swarmkeeper.economy.UserClass;
import org.swarmkeeper.economy.UserClasses;
import org.swarmkeeper.torrents.RegisteredTorrent;
import org.swarmkeeper.torrents.TorrentCatalog;
import org.swarmkeeper.users.UserAccount;
import org.swarmkeeper.users.UserDirectory;

/**
 * The credit factors in force for a user×torrent at an instant. Downloads take the lowest factor of the
 * torrent (0 while its timed freeleech lasts), active site-wide events, personal freeleech and a spent freeleech token (any freeleech wins);
 * uploads take the highest of the torrent (at least 2 while its timed double upload lasts) and active events (any double upload wins), except on a torrent
 * whose upload factor is 0: staff made it neutral on purpose, and no event overrides that. Both are then scaled
 * by the user's class.
 */
@Component
class CreditFactorRules implements CreditRules {

    private final UserDirectory users;
    private final TorrentCatalog torrents;
    private final SiteEvents siteEvents;
    private final FreeleechTokens tokens;
    private final CheatProperties cheats;
    private final UserClasses classes;

    CreditFactorRules(UserDirectory users, TorrentCatalog torrents, SiteEvents siteEvents, FreeleechTokens tokens,
                      CheatProperties cheats, UserClasses classes) {
        this.classes = classes;
        this.cheats = cheats;
        this.users = users;
        this.torrents = torrents;
        this.siteEvents = siteEvents;
        this.tokens = tokens;
    }

    /** The ceiling when beyond-the-allowance upload is withheld ({@code upload_speed} action), none otherwise. */
    @Override
    public long uploadCeiling() {
        return cheats.actionFor(CheatDetector.UPLOAD_SPEED) == CheatProperties.Action.WITHHOLD
                ? cheats.uploadCeiling().toBytes() : Long.MAX_VALUE;
    }

    @Override
    public Factors factors(long userId, long torrentId, long atMillis) {
        RegisteredTorrent torrent = torrents.byId(torrentId);
        double download = torrent == null ? 1 : torrent.downloadFactor();
        double upload = torrent == null ? 1 : torrent.uploadFactor();
        if (torrent != null && atMillis < torrent.freeleechUntilMillis()) {
            download = 0;
        }
        if (torrent != null && atMillis < torrent.doubleUploadUntilMillis() && upload != 0) {
            upload = Math.max(upload, 2);
        }
        for (SiteEvents.SiteEvent event : siteEvents.events()) {
            if (event.activeAt(atMillis)) {
                if (event.downloadFactor() != null) {
                    download = Math.min(download, event.downloadFactor());
                }
                if (event.uploadFactor() != null && upload != 0) {
                    upload = Math.max(upload, event.uploadFactor());
                }
            }
        }
        UserAccount user = users.byId(userId);
        if ((user != null && atMillis < user.personalFreeleechUntilMillis()) || tokens.spentOn(userId, torrentId)) {
            download = 0;
        }
        UserClass userClass = classes.of(user);
        download *= userClass.downloadFactor();
        upload *= userClass.uploadFactor();
        return new Factors(download, upload);
    }
}
