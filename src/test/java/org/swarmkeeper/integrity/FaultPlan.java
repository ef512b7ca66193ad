package org.swarmkeeper.integrity;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The faults of one run, drawn from its seed: which happen at which step boundary, and which node runs with a
 * small ledger. Every run has each kind of fault at least once, at places and on nodes the seed chooses:
 * <ul>
 *   <li>one node killed, back, and killed again (its swarms move to the other node, back, and to the other node
 *       again, which still holds what it served the first time); then it stays dead, comes back, or comes back
 *       and the other node is killed (whose swarms go to a node that read them at its start);</li>
 *   <li>PostgreSQL stopped for a few steps and started again (a node may die meanwhile; none is started
 *       meanwhile, as a tracker cannot start without its database);</li>
 *   <li>two ledger commits whose acknowledgement is lost;</li>
 *   <li>one node's ledger bounded to a few peers ({@code tracker.ledger.max-pending-peers}), so that it fills up
 *       under load and during the outage.</li>
 * </ul>
 */
record FaultPlan(String smallLedger, int maxPendingPeers, TreeMap<Integer, List<Fault>> faults) {

    /** In the order faults at one boundary are applied: PostgreSQL back first, so that a node can start. */
    enum Kind { START_POSTGRES, RESTART, KILL, CUT_COMMIT, STOP_POSTGRES }

    /** A fault; {@code node} is {@code null} for PostgreSQL's. */
    record Fault(Kind kind, String node) {
        @Override
        public String toString() {
            return node == null ? kind.name() : kind.name() + " " + node;
        }
    }

    /** The faults at a step boundary, in the order they are applied. */
    List<Fault> at(int step) {
        List<Fault> here = new ArrayList<>(faults.getOrDefault(step, List.of()));
        here.sort((x, y) -> x.kind().compareTo(y.kind()));
        return here;
    }

    /** A plan for a run of {@code steps} steps (at least 60: every fault lands before the last one). */
    static FaultPlan draw(SplittableRandom random, int steps) {
        TreeMap<Integer, List<Fault>> faults = new TreeMap<>();
        int outage = 8 + random.nextInt(steps / 3);
        int outageEnd = outage + 2 + random.nextInt(6);
        add(faults, outage, Kind.STOP_POSTGRES, null);
        add(faults, outageEnd, Kind.START_POSTGRES, null);

        String victim = random.nextBoolean() ? "A" : "B";
        String survivor = "A".equals(victim) ? "B" : "A";
        int kill = 5 + random.nextInt(8);
        int back = outsideOutage(kill + 3 + random.nextInt(6), outage, outageEnd);
        int killAgain = back + 3 + random.nextInt(6);
        add(faults, kill, Kind.KILL, victim);
        add(faults, back, Kind.RESTART, victim);
        add(faults, killAgain, Kind.KILL, victim);
        int ending = random.nextInt(3);
        if (ending > 0) {
            int backAgain = outsideOutage(killAgain + 3 + random.nextInt(6), outage, outageEnd);
            add(faults, backAgain, Kind.RESTART, victim);
            if (ending == 2) {
                add(faults, backAgain + 2 + random.nextInt(5), Kind.KILL, survivor);
            }
        }
        for (int i = 0; i < 2; i++) {
            add(faults, outsideOutage(5 + random.nextInt(steps - 10), outage, outageEnd), Kind.CUT_COMMIT,
                    random.nextBoolean() ? "A" : "B");
        }
        String smallLedger = random.nextBoolean() ? "A" : "B";
        int maxPendingPeers = 4 << random.nextInt(3);
        return new FaultPlan(smallLedger, maxPendingPeers, faults);
    }

    /** A step at which PostgreSQL is up: one inside the outage moves to its end (PostgreSQL starts first there). */
    private static int outsideOutage(int step, int outage, int outageEnd) {
        return step >= outage && step <= outageEnd ? outageEnd : step;
    }

    private static void add(TreeMap<Integer, List<Fault>> faults, int step, Kind kind, String node) {
        faults.computeIfAbsent(step, s -> new ArrayList<>()).add(new Fault(kind, node));
    }

    @Override
    public String toString() {
        return "node " + smallLedger + " with max-pending-peers=" + maxPendingPeers + "; " + faults;
    }
}
