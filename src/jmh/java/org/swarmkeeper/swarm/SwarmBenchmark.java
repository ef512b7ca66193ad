package org.swarmkeeper.swarm;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.AnnounceRequest;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.protocol.PeerId;

/**
 * One swarm of 1,000 live peers (30 % seeders): a re-announce of one of them with growing counters, which
 * computes its delta, replaces its state and selects up to 50 peers for the answer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SwarmBenchmark {

    @Param("1000")
    public int peers;

    private Swarm swarm;
    private PeerId[] peerIds;
    private long[] uploaded;
    private InetAddress address;
    private long now;

    @Setup
    public void setUp() throws UnknownHostException {
        swarm = new Swarm(1, 0, change -> { });
        address = InetAddress.getByName("127.0.0.1");
        InfoHash infoHash = InfoHash.of(new byte[20]);
        peerIds = new PeerId[peers];
        uploaded = new long[peers];
        now = System.currentTimeMillis();
        for (int i = 0; i < peers; i++) {
            byte[] id = String.format("-qB4650-%012d", i).getBytes();
            peerIds[i] = PeerId.of(id);
            swarm.announce(i, request(infoHash, i, AnnounceEvent.STARTED), address, "qBittorrent/4.6.5", now,
                    ListShape.full(50), CreditGrant.FULL);
        }
    }

    private AnnounceRequest request(InfoHash infoHash, int peer, AnnounceEvent event) {
        long left = peer % 10 < 3 ? 0 : 1L << 30;
        return new AnnounceRequest(infoHash, peerIds[peer], 10_000 + peer, uploaded[peer], 0, left, event, true,
                true, 50, null);
    }

    @Benchmark
    public Swarm.Outcome reannounceAndSelect50() {
        int peer = ThreadLocalRandom.current().nextInt(peers);
        uploaded[peer] += 16_384;
        now += 1;
        return swarm.announce(peer, request(InfoHash.of(new byte[20]), peer, AnnounceEvent.NONE), address,
                "qBittorrent/4.6.5", now, ListShape.full(50), CreditGrant.FULL);
    }
}
