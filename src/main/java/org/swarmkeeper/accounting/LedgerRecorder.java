package org.swarmkeeper.accounting;

import org.springframework.stereotype.Component;
import org.swarmkeeper.swarm.CreditGrant;
import org.swarmkeeper.swarm.PeerChange;
import org.swarmkeeper.swarm.PeerChangeListener;
import org.swarmkeeper.swarm.PeerState;
import org.swarmkeeper.swarm.Reachability;
import org.swarmkeeper.swarm.SwarmProperties;

/**
 * Turns peer transitions into credit ({@link #credit}). The flush checks the baseline against PostgreSQL and
 * credits again against the stored one when another node or an earlier attempt moved it on.
 */
@Component
class LedgerRecorder implements PeerChangeListener {

    /** What credit is computed against: the fields of a peer's previous state, here or in PostgreSQL. */
    record Before(long uploaded, long downloaded, long left, boolean partialSeed, long lastAnnounceMillis,
                  boolean active, boolean stopped) {

        static Before of(PeerState state) {
            return new Before(state.uploaded(), state.downloaded(), state.left(), state.partialSeed(),
                    state.lastAnnounceMillis(), state.active(), state.stopped());
        }
    }

    private final Ledger ledger;
    private final CreditRules rules;
    private final SeedPointRates seedPoints;
    private final ActiveTime activeTime;
    private final long peerTimeoutMillis;

    LedgerRecorder(Ledger ledger, CreditRules rules, SeedPointRates seedPoints, ActiveTime activeTime,
                   SwarmProperties swarm) {
        this.ledger = ledger;
        this.rules = rules;
        this.seedPoints = seedPoints;
        this.activeTime = activeTime;
        this.peerTimeoutMillis = swarm.peerTimeout().toMillis();
    }

    @Override
    public void onPeerChange(PeerChange change) {
        PeerState before = change.before();
        PeerState after = change.after();
        if (change.timedOut()) {
            ledger.record(change.torrentId(), before, after, null, CreditGrant.FULL);
            return;
        }
        LedgerBatch.HistoryDelta credit = before == null ? firstSight(after)
                : credit(change.torrentId(), Before.of(before), after, change.grant(), change.seeders());
        ledger.record(change.torrentId(), before, after, credit, change.grant());
    }

    private static LedgerBatch.HistoryDelta firstSight(PeerState after) {
        LedgerBatch.HistoryDelta credit = new LedgerBatch.HistoryDelta();
        credit.firstSeenMillis = after.lastAnnounceMillis();
        credit.lastSeenMillis = after.lastAnnounceMillis();
        return credit;
    }

    /**
     * The credit of a peer's announce ({@code after}) against {@code before}. The delta is this announce's counters
     * minus the baseline's; a counter that went backwards (a client restart) credits nothing and starts a new
     * baseline. Upload is credited up to what the peer's {@link ActiveTime} allows at the upload ceiling, and not at
     * all when a cheat rule withheld it; the rest is recorded raw and as withheld. Credited amounts are the trusted
     * raw ones scaled by the {@link CreditRules} in force at the announce. Seed and leech time accrue between two
     * announces of an active peer closer than the peer timeout; seed time earns {@link SeedPointRates seed points}
     * among {@code seeders} seeders, unless cheat detection found something or some upload was withheld.
     */
    LedgerBatch.HistoryDelta credit(long torrentId, Before before, PeerState after, CreditGrant grant, int seeders) {
        LedgerBatch.HistoryDelta credit = firstSight(after);
        credit.rawUploaded = increase(before.uploaded(), after.uploaded());
        credit.rawDownloaded = increase(before.downloaded(), after.downloaded());
        long elapsed = after.lastAnnounceMillis() - before.lastAnnounceMillis();
        if (before.active() && elapsed > 0 && elapsed < peerTimeoutMillis) {
            boolean wasSeeding = before.left() == 0;
            boolean wasLeeching = before.left() > 0 && !before.partialSeed();
            if (wasSeeding && after.seeding()) {
                credit.seedMillis = elapsed;
            } else if (wasLeeching && after.leeching()) {
                credit.leechMillis = elapsed;
            }
        }
        if (credit.rawUploaded != 0 || credit.rawDownloaded != 0) {
            long allowance = grant.uploadWithheld() ? 0 : ActiveTime.uploadAllowance(before.stopped(),
                    activeTime.millis(before.stopped(), before.left() > 0 && !before.partialSeed(),
                            before.lastAnnounceMillis(), after.lastAnnounceMillis()),
                    rules.uploadCeiling());
            long trusted = Math.min(credit.rawUploaded, allowance);
            credit.withheldUploaded = credit.rawUploaded - trusted;
            CreditRules.Factors factors = rules.factors(after.userId(), torrentId, after.lastAnnounceMillis());
            credit.uploaded = CreditRules.credit(trusted, factors.upload());
            credit.downloaded = CreditRules.credit(credit.rawDownloaded, factors.download());
        }
        if (credit.seedMillis > 0 && grant.rewarded() && credit.withheldUploaded == 0
                && (!seedPoints.requiresConnectable() || after.reachability() == Reachability.CONNECTABLE)) {
            SeedPointRates.Hourly rate = seedPoints.hourly(after.userId(), torrentId, seeders,
                    after.lastAnnounceMillis());
            double hours = credit.seedMillis / 3_600_000.0;
            credit.flatPoints = rate.flat() * hours;
            credit.pointsPerSeniority = rate.perSeniority() * hours;
            if (rate.rules() != 0) {
                credit.hoursByRule = new double[Long.SIZE - Long.numberOfLeadingZeros(rate.rules())];
                for (int rule = 0; rule < credit.hoursByRule.length; rule++) {
                    credit.hoursByRule[rule] = (rate.rules() >>> rule & 1) == 0 ? 0 : rate.ruleWeight() * hours;
                }
            }
        }
        return credit;
    }

    private static long increase(long baseline, long reported) {
        return reported >= baseline ? reported - baseline : 0;
    }
}
