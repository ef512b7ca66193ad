package org.swarmkeeper.swarm;

/** Whether other peers can open a TCP connection to a peer's announced port, as the tracker last found out. */
public enum Reachability {
    /** Not probed yet, or probing is off or not allowed for its address: treated as connectable. */
    UNKNOWN,
    CONNECTABLE,
    UNCONNECTABLE
}
