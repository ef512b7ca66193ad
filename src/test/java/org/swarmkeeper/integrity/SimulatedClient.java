package org.swarmkeeper.integrity;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.support.TestClient;

/**
 * One BitTorrent client of the simulation on one torrent, deciding each step from its own random source only
 * (split from the seed), so that the simulation's decisions do not depend on which announce finished first.
 * Counters are cumulative, as real clients report them, whether or not the last announce got through.
 */
abstract sealed class SimulatedClient {

    /** Most bytes an honest client moves each way between two announces: far below the upload ceiling. */
    static final int MAX_STEP_BYTES = 4096;

    /** Where a simulated client announces: its user, torrent and loopback address. */
    record Identity(String label, long userId, String passkey, long torrentId, InfoHash infoHash, String address) {
    }

    /** An announce to send: its session (peer_id, key, port), over IPv6 or not, and what it reports. */
    record Planned(SimulatedClient client, TestClient session, ModelPeer peer, boolean viaV6, AnnounceEvent event,
                   ModelPeer.Report report) {
    }

    /** One announce as the client saw it, on its own clock. */
    record Sent(long sentMillis, long receivedMillis, AnnounceEvent event) {
    }

    final Identity identity;
    final SplittableRandom random;
    private final int homePort;
    private final List<ModelPeer> peers = new ArrayList<>();
    private final List<Sent> sent = new ArrayList<>();
    private int cheats;
    TestClient session;
    ModelPeer peer;
    /** Whether the tracker should see a live peer: started and neither stopped nor abandoned since. */
    boolean live;
    long uploaded;
    long downloaded;
    long left;
    /** The part of {@link #uploaded} really sent. */
    long honestUploaded;

    SimulatedClient(Identity identity, SplittableRandom random, int homePort, long left) {
        this.identity = identity;
        this.random = random;
        this.homePort = homePort;
        this.left = left;
    }

    /** The announce to send at this step, if any; {@code nowMillis} is the client's clock. */
    abstract Planned plan(int step, long nowMillis);

    /** The cheat-detection finding this client must cause, or {@code null} for an honest client. */
    abstract String expectedFinding();

    /** The last announce of the run: {@code stopped} for a live session. */
    Planned finish() {
        if (!live) {
            return null;
        }
        live = false;
        return announce(AnnounceEvent.STOPPED, false);
    }

    /** Every peer (peer_id) this client has been. */
    List<ModelPeer> peers() {
        return peers;
    }

    void answered(Planned planned, long sentMillis, long receivedMillis) {
        sent.add(new Sent(sentMillis, receivedMillis, planned.event()));
    }

    /**
     * Whether an announce reporting {@code report} cheats against the state the tracker holds ({@code recorded}):
     * the tracker must judge it, and log the finding {@link #expectedFinding()}.
     */
    boolean cheatsAgainst(ModelPeer.Report recorded, ModelPeer.Report report) {
        return false;
    }

    /** A node recorded an announce that {@link #cheatsAgainst cheats}. */
    void cheated(String node, long sentMillis) {
        cheats++;
    }

    /** How many recorded announces cheated against the state the tracker held. */
    int cheats() {
        return cheats;
    }

    long lastReceivedMillis() {
        return sent.isEmpty() ? 0 : sent.get(sent.size() - 1).receivedMillis();
    }

    /**
     * The time this client's peer was active, by its own clock: from each announce other than {@code stopped} to
     * the answer of the next one, each such gap counted up to {@code capMillis}. Generous on purpose: it takes
     * the whole round trips, and a gap the tracker would see as the peer timing out up to the cap.
     */
    long activeMillis(long capMillis) {
        long active = 0;
        for (int i = 0; i + 1 < sent.size(); i++) {
            if (sent.get(i).event() != AnnounceEvent.STOPPED) {
                active += Math.min(capMillis, sent.get(i + 1).receivedMillis() - sent.get(i).sentMillis());
            }
        }
        return active;
    }

    /** A new session: a new peer_id, key and port, counters from zero. */
    void newSession(String peerIdPrefix) {
        session = new TestClient(homePort, identity.passkey(), identity.infoHash(), peerIdPrefix, identity.address());
        peer = new ModelPeer(identity.label() + "#" + peers.size(), identity.torrentId(), identity.userId(),
                session.peerId());
        peers.add(peer);
        uploaded = 0;
        downloaded = 0;
        honestUploaded = 0;
    }

    /** Bytes really uploaded since the last announce. */
    void upload(int maxBytes) {
        long bytes = random.nextInt(maxBytes + 1);
        uploaded += bytes;
        honestUploaded += bytes;
    }

    Planned announce(AnnounceEvent event, boolean viaV6) {
        return new Planned(this, session, peer, viaV6, event,
                new ModelPeer.Report(uploaded, downloaded, left, honestUploaded, event == AnnounceEvent.STOPPED));
    }

    /**
     * An honest client: seeds, or leeches until complete ({@code completed}); pauses as a BEP 21 partial seed;
     * announces over IPv6 too if dual-stack (same peer_id and key, BEP 7); stops and comes back, or crashes and
     * comes back, either as a new peer_id or as the same one with its counters reset to zero.
     */
    static final class Honest extends SimulatedClient {

        private final boolean dualStack;
        private final int firstStep;
        private int offlineUntil;
        private int pausedUntil;
        private int restarts;
        private boolean sameIdentity;

        Honest(Identity identity, SplittableRandom random, int homePort, long left) {
            super(identity, random, homePort, left);
            this.dualStack = random.nextInt(4) == 0;
            this.firstStep = random.nextInt(5);
        }

        @Override
        Planned plan(int step, long nowMillis) {
            if (step < firstStep || step < offlineUntil) {
                return null;
            }
            if (!live) {
                if (session == null || !sameIdentity) {
                    newSession(random.nextBoolean() ? "-qB4520-" : "-TR3000-");
                } else {
                    uploaded = 0; // the client restarted and counts from zero again under its old peer_id
                    downloaded = 0;
                    honestUploaded = 0;
                }
                live = true;
                return announce(AnnounceEvent.STARTED, false);
            }
            double roll = random.nextDouble();
            if (roll < 0.12) {
                return null; // quiet this step
            }
            if (restarts < 3 && roll < 0.17) {
                restarts++;
                live = false;
                offlineUntil = step + 1 + random.nextInt(8);
                sameIdentity = random.nextInt(3) == 0;
                // A clean stop announces it; a crash just goes away and the old peer times out.
                return roll < 0.15 ? announce(AnnounceEvent.STOPPED, viaV6()) : null;
            }
            if (left > 0 && step >= pausedUntil && roll > 0.95) {
                pausedUntil = step + 2 + random.nextInt(5);
            }
            upload(MAX_STEP_BYTES);
            AnnounceEvent event = AnnounceEvent.NONE;
            if (left > 0 && step < pausedUntil) {
                event = AnnounceEvent.PAUSED; // a partial seed downloads nothing
            } else if (left > 0) {
                long got = Math.min(left, 1 + random.nextInt(MAX_STEP_BYTES));
                downloaded += got;
                left -= got;
                event = left == 0 ? AnnounceEvent.COMPLETED : AnnounceEvent.NONE;
            }
            return announce(event, viaV6());
        }

        private boolean viaV6() {
            return dualStack && random.nextBoolean();
        }

        @Override
        String expectedFinding() {
            return null;
        }
    }

    /**
     * A seeder that goes away and comes back claiming upload made meanwhile: as much as the per-announce speed
     * check of the time away would let through (80 % of the ceiling over the time since its last answer). It
     * either announces {@code stopped} first and comes back with {@code started} or no event, or just falls silent
     * (its peer times out) and comes back with no event. Then it announces twice more and stays quiet.
     */
    static final class Forger extends SimulatedClient {

        private enum Phase { WAITING, ACTIVE, AWAY, BACK, DONE }

        private final long uploadCeiling;
        private final boolean stopsFirst;
        private final AnnounceEvent returnEvent;
        private final int startStep;
        private final int awayFrom;
        private final int returnStep;
        private Phase phase = Phase.WAITING;
        private int announcesAfterReturn = 2;
        private long forged;
        /** The node that recorded the return, and when it was sent: where its finding must come from. */
        private String judgedBy;
        private long returnSentMillis;

        Forger(Identity identity, SplittableRandom random, int homePort, long uploadCeiling, boolean stopsFirst,
               AnnounceEvent returnEvent, int steps) {
            super(identity, random, homePort, 0);
            this.uploadCeiling = uploadCeiling;
            this.stopsFirst = stopsFirst;
            this.returnEvent = returnEvent;
            this.startStep = random.nextInt(4);
            this.awayFrom = startStep + 3 + random.nextInt(4);
            this.returnStep = steps * 3 / 4 + random.nextInt(steps / 8);
        }

        @Override
        Planned plan(int step, long nowMillis) {
            switch (phase) {
                case WAITING -> {
                    if (step < startStep) {
                        return null;
                    }
                    newSession("-TR3000-");
                    live = true;
                    phase = Phase.ACTIVE;
                    return announce(AnnounceEvent.STARTED, false);
                }
                case ACTIVE -> {
                    if (step >= awayFrom) {
                        phase = Phase.AWAY;
                        live = !stopsFirst;
                        return stopsFirst ? announce(AnnounceEvent.STOPPED, false) : null;
                    }
                    upload(MAX_STEP_BYTES);
                    return announce(AnnounceEvent.NONE, false);
                }
                case AWAY -> {
                    if (step < returnStep) {
                        return null;
                    }
                    long awayMillis = nowMillis - lastReceivedMillis();
                    forged = (long) (0.8 * uploadCeiling * awayMillis / 1000.0);
                    upload(MAX_STEP_BYTES);
                    uploaded += forged;
                    live = true;
                    phase = Phase.BACK;
                    return announce(stopsFirst ? returnEvent : AnnounceEvent.NONE, false);
                }
                case BACK -> {
                    if (announcesAfterReturn-- == 0) {
                        phase = Phase.DONE;
                        return null;
                    }
                    upload(MAX_STEP_BYTES);
                    return announce(AnnounceEvent.NONE, false);
                }
                default -> {
                    return null;
                }
            }
        }

        @Override
        boolean cheatsAgainst(ModelPeer.Report recorded, ModelPeer.Report report) {
            return forged(report) > forged(recorded);
        }

        @Override
        void cheated(String node, long sentMillis) {
            super.cheated(node, sentMillis);
            judgedBy = node;
            returnSentMillis = sentMillis;
        }

        private static long forged(ModelPeer.Report report) {
            return report.uploaded() - report.honestUploaded();
        }

        /** The node that last recorded the forged return and was not yet seen to log its finding, or {@code null}. */
        String judgedBy() {
            return judgedBy;
        }

        long returnSentMillis() {
            return returnSentMillis;
        }

        /** Its finding is in PostgreSQL, or its node died while PostgreSQL was down (the return is judged again). */
        void judgementSettled() {
            judgedBy = null;
        }

        long forged() {
            return forged;
        }

        String describe() {
            return (stopsFirst ? "stopped, came back with " + (returnEvent == AnnounceEvent.NONE ? "no event"
                    : returnEvent.wireName()) : "fell silent, came back") + " claiming +" + forged + " bytes";
        }

        @Override
        String expectedFinding() {
            return "upload_speed";
        }
    }

    /**
     * A user without leech rights who announces {@code left=0}, as if complete, while its downloaded counter grows.
     */
    static final class CompleteLeecher extends SimulatedClient {

        private final int startStep;

        CompleteLeecher(Identity identity, SplittableRandom random, int homePort) {
            super(identity, random, homePort, 0);
            this.startStep = random.nextInt(4);
        }

        @Override
        Planned plan(int step, long nowMillis) {
            if (step < startStep || random.nextInt(8) == 0) {
                return null;
            }
            if (!live) {
                newSession("-qB4520-");
                live = true;
                return announce(AnnounceEvent.STARTED, false);
            }
            upload(MAX_STEP_BYTES / 4);
            downloaded += 1 + random.nextInt(MAX_STEP_BYTES);
            return announce(AnnounceEvent.NONE, false);
        }

        @Override
        boolean cheatsAgainst(ModelPeer.Report recorded, ModelPeer.Report report) {
            return recorded.left() == 0 && report.left() == 0 && report.downloaded() > recorded.downloaded();
        }

        @Override
        String expectedFinding() {
            return "downloaded_while_complete";
        }
    }
}
