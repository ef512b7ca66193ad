package org.swarmkeeper.accounting;

import org.springframework.stereotype.Component;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.swarm.PeerChange;
import org.swarmkeeper.swarm.PeerChangeListener;
import org.swarmkeeper.swarm.PeerState;
import org.swarmkeeper.swarm.SwarmProperties;

/**
 * Turns peer transitions into credit. The delta is this announce's counters minus the baseline; first sight
 * of a peer and a counter that went backwards (a client restart) credit nothing for that counter and start
 * a new baseline. The credited amounts are the raw ones scaled by the {@link CreditRules} in force at the
 * announce. Seed and leech time accrue between two announces closer than the peer timeout.
 */
@Component
class LedgerRecorder implements PeerChangeListener {

    private final Ledger ledger;
    private final CreditRules rules;
    private final long peerTimeoutMillis;

    LedgerRecorder(Ledger ledger, CreditRules rules, SwarmProperties swarm) {
        this.ledger = ledger;
        this.rules = rules;
        this.peerTimeoutMillis = swarm.peerTimeout().toMillis();
    }

    @Override
    public void onPeerChange(PeerChange change) {
        PeerState before = change.before();
        PeerState after = change.after();
        if (change.timedOut()) {
            ledger.record(change.torrentId(), after, null);
            return;
        }
        LedgerBatch.HistoryDelta credit = new LedgerBatch.HistoryDelta();
        credit.firstSeenMillis = after.lastAnnounceMillis();
        credit.lastSeenMillis = after.lastAnnounceMillis();
        // A snatch is the transition to complete: announced with event=completed, or seen as left reaching 0.
        boolean snatched = after.seeding()
                && (change.event() == AnnounceEvent.COMPLETED || (before != null && !before.seeding()));
        if (before != null) {
            credit.rawUploaded = increase(before.uploaded(), after.uploaded());
            credit.rawDownloaded = increase(before.downloaded(), after.downloaded());
            long elapsed = after.lastAnnounceMillis() - before.lastAnnounceMillis();
            if (before.active() && elapsed > 0 && elapsed < peerTimeoutMillis) {
                if (before.seeding() && after.seeding()) {
                    credit.seedMillis = elapsed;
                } else if (before.leeching() && after.leeching()) {
                    credit.leechMillis = elapsed;
                }
            }
        }
        if (credit.rawUploaded != 0 || credit.rawDownloaded != 0) {
            CreditRules.Factors factors = rules.factors(after.userId(), change.torrentId(), after.lastAnnounceMillis());
            credit.uploaded = change.uploadCreditWithheld() ? 0 : CreditRules.credit(credit.rawUploaded, factors.upload());
            credit.downloaded = CreditRules.credit(credit.rawDownloaded, factors.download());
        }
        credit.completedAtMillis = snatched ? after.lastAnnounceMillis() : 0;
        ledger.record(change.torrentId(), after, credit);
    }

    private static long increase(long baseline, long reported) {
        return reported >= baseline ? reported - baseline : 0;
    }
}
