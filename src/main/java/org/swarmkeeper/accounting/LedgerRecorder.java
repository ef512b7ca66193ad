package org.swarmkeeper.accounting;

import org.springframework.stereotype.Component;
import org.swarmkeeper.swarm.PeerChange;
import org.swarmkeeper.swarm.PeerChangeListener;
import org.swarmkeeper.swarm.PeerState;
import org.swarmkeeper.swarm.SwarmProperties;

/**
 * Turns peer transitions into credit ({@link #credit}). The flush checks the baseline against PostgreSQL and
 * credits again against the stored one when another node or an earlier attempt moved it on.
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
            ledger.record(change.torrentId(), before, after, null, false);
            return;
        }
        LedgerBatch.HistoryDelta credit = before == null ? firstSight(after)
                : credit(rules, change.torrentId(), before.uploaded(), before.downloaded(), before.left(),
                        before.partialSeed(), before.lastAnnounceMillis(), before.active(), after,
                        change.uploadCreditWithheld(), peerTimeoutMillis);
        ledger.record(change.torrentId(), before, after, credit, change.uploadCreditWithheld());
    }

    private static LedgerBatch.HistoryDelta firstSight(PeerState after) {
        LedgerBatch.HistoryDelta credit = new LedgerBatch.HistoryDelta();
        credit.firstSeenMillis = after.lastAnnounceMillis();
        credit.lastSeenMillis = after.lastAnnounceMillis();
        return credit;
    }

    /**
     * The credit of a peer's announce ({@code after}) against a baseline (the fields of its previous state, here or
     * in PostgreSQL). The delta is this announce's counters minus the baseline's; a counter that went backwards (a
     * client restart) credits nothing and starts a new baseline. Upload is credited up to what the peer's
     * {@link ActiveTime} allows at the upload ceiling, and not at all when a cheat rule withheld it; the rest is
     * recorded raw and as withheld. Credited amounts are the trusted raw ones scaled by the {@link CreditRules} in
     * force at the announce. Seed and leech time accrue between two announces of an active peer closer than the
     * peer timeout.
     */
    static LedgerBatch.HistoryDelta credit(CreditRules rules, long torrentId, long uploaded, long downloaded,
                                           long left, boolean partialSeed, long lastAnnounceMillis, boolean active,
                                           PeerState after, boolean uploadWithheld, long peerTimeoutMillis) {
        LedgerBatch.HistoryDelta credit = firstSight(after);
        credit.rawUploaded = increase(uploaded, after.uploaded());
        credit.rawDownloaded = increase(downloaded, after.downloaded());
        long elapsed = after.lastAnnounceMillis() - lastAnnounceMillis;
        if (active && elapsed > 0 && elapsed < peerTimeoutMillis) {
            boolean wasSeeding = left == 0;
            boolean wasLeeching = left > 0 && !partialSeed;
            if (wasSeeding && after.seeding()) {
                credit.seedMillis = elapsed;
            } else if (wasLeeching && after.leeching()) {
                credit.leechMillis = elapsed;
            }
        }
        if (credit.rawUploaded != 0 || credit.rawDownloaded != 0) {
            long allowance = uploadWithheld ? 0 : ActiveTime.uploadAllowance(active,
                    ActiveTime.millis(active, lastAnnounceMillis, after.lastAnnounceMillis(), peerTimeoutMillis),
                    rules.uploadCeiling());
            long trusted = Math.min(credit.rawUploaded, allowance);
            credit.withheldUploaded = credit.rawUploaded - trusted;
            CreditRules.Factors factors = rules.factors(after.userId(), torrentId, after.lastAnnounceMillis());
            credit.uploaded = CreditRules.credit(trusted, factors.upload());
            credit.downloaded = CreditRules.credit(credit.rawDownloaded, factors.download());
        }
        return credit;
    }

    private static long increase(long baseline, long reported) {
        return reported >= baseline ? reported - baseline : 0;
    }
}
