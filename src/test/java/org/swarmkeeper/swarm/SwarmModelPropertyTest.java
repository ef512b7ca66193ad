package org.swarmkeeper.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.AnnounceRequest;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.protocol.PeerId;

/**
 * The swarm's open-addressing store against a plain map: any mix of announces, stops, time-outs and forgotten
 * peers, over few users with several peer_ids each (so that runs of cells collide, grow, shrink and move),
 * leaves the same peers, counts and per-user totals. The listener sees each peer's previous state as the last
 * change reported it, and no state it was handed changes afterwards (the swarm updates its stored peers in place).
 */
class SwarmModelPropertyTest {

    /** One step: an announce, or a reap when {@code reap}. */
    record Step(boolean reap, int user, int peer, AnnounceEvent event, long left, int key, int advanceMillis) {
    }

    /** What the swarm must hold for one peer. */
    record Expected(long uploaded, long left, boolean partialSeed, boolean active, byte[] key, long lastMillis) {
    }

    private static final byte[][] KEYS = {null, {1}, "12345678".getBytes(StandardCharsets.US_ASCII),
            "a key longer than eight bytes".getBytes(StandardCharsets.US_ASCII)};

    @Property(tries = 300)
    void storeMatchesAMap(@ForAll("steps") List<Step> steps) throws Exception {
        Map<String, List<Object>> lastReported = new HashMap<>();
        Map<PeerState, List<Object>> handedOut = new IdentityHashMap<>();
        Swarm swarm = new Swarm(7, 0, change -> {
            String id = id(change.after());
            if (change.before() != null) {
                assertThat(values(change.before())).as("before of %s", id).isEqualTo(lastReported.get(id));
            }
            lastReported.put(id, values(change.after()));
            handedOut.put(change.after(), values(change.after()));
        });
        Map<String, Expected> model = new HashMap<>();
        InetAddress address = InetAddress.getByName("192.0.2.1");
        long now = 1_000_000;
        long uploaded = 0;
        for (Step step : steps) {
            now += step.advanceMillis();
            if (step.reap()) {
                long staleBefore = now - 50;
                long forgetBefore = now - 100;
                swarm.reap(staleBefore, forgetBefore);
                // Peers inactive before this pass are forgotten; the ones it times out stay until the next.
                model.values().removeIf(peer -> !peer.active() && peer.lastMillis() < forgetBefore);
                model.replaceAll((id, peer) -> peer.active() && peer.lastMillis() < staleBefore
                        ? new Expected(peer.uploaded(), peer.left(), peer.partialSeed(), false, peer.key(),
                        peer.lastMillis()) : peer);
            } else {
                uploaded++;
                AnnounceRequest request = new AnnounceRequest(InfoHash.of(new byte[20]), peerId(step.peer()),
                        6881, uploaded, 0, step.left(), step.event(), true, false, 50, KEYS[step.key()]);
                swarm.announce(step.user(), request, address, "test", now, ListShape.full(50), CreditGrant.FULL);
                String id = step.user() + "/" + step.peer();
                // A stopped peer the swarm did not hold is kept too, out of the lists.
                model.put(id, new Expected(uploaded, step.left(),
                        step.event() == AnnounceEvent.PAUSED && step.left() > 0,
                        step.event() != AnnounceEvent.STOPPED, KEYS[step.key()], now));
            }
            assertSame(swarm, model);
        }
        handedOut.forEach((state, values) -> assertThat(values(state)).as("handed out %s", state).isEqualTo(values));
    }

    private static String id(PeerState peer) {
        return peer.userId() + "/" + (new String(peer.peerId().toBytes(), StandardCharsets.US_ASCII).charAt(19) - '0');
    }

    private static List<Object> values(PeerState peer) {
        return Arrays.asList(peer.uploaded(), peer.downloaded(), peer.left(), peer.partialSeed(), peer.active(),
                Arrays.toString(peer.key()), peer.firstAnnounceMillis(), peer.lastAnnounceMillis(),
                Arrays.toString(peer.compactV4()), Arrays.toString(peer.compactV6()), peer.userAgent(),
                peer.lastViaV6());
    }

    private static void assertSame(Swarm swarm, Map<String, Expected> model) {
        int seeders = 0;
        int leechers = 0;
        int partialSeeds = 0;
        Map<Long, Integer> activeByUser = new HashMap<>();
        Set<String> active = new HashSet<>();
        for (int user = 1; user <= 4; user++) {
            for (int peer = 1; peer <= 6; peer++) {
                Expected expected = model.get(user + "/" + peer);
                PeerState actual = swarm.peer(user, peerId(peer));
                if (expected == null) {
                    assertThat(actual).as("peer %d/%d", user, peer).isNull();
                    continue;
                }
                assertThat(actual).as("peer %d/%d", user, peer).isNotNull();
                assertThat(actual.userId()).isEqualTo(user);
                assertThat(actual.peerId()).isEqualTo(peerId(peer));
                assertThat(actual.uploaded()).isEqualTo(expected.uploaded());
                assertThat(actual.left()).isEqualTo(expected.left());
                assertThat(actual.partialSeed()).isEqualTo(expected.partialSeed());
                assertThat(actual.active()).isEqualTo(expected.active());
                assertThat(actual.key()).isEqualTo(expected.key());
                assertThat(actual.hasKey(expected.key())).isTrue();
                assertThat(actual.compactV4()).containsExactly(192, 0, 2, 1, 0x1a, 0xe1);
                if (expected.active()) {
                    active.add(user + "/" + peer);
                    activeByUser.merge((long) user, 1, Integer::sum);
                    if (expected.left() == 0) {
                        seeders++;
                    } else if (expected.partialSeed()) {
                        partialSeeds++;
                    } else {
                        leechers++;
                    }
                }
            }
        }
        for (long user = 1; user <= 4; user++) {
            assertThat(swarm.activePeersOf(user)).as("active peers of user %d", user)
                    .isEqualTo(activeByUser.getOrDefault(user, 0));
        }
        SwarmCounts counts = swarm.counts();
        assertThat(List.of(counts.seeders(), counts.leechers(), counts.partialSeeds()))
                .containsExactly(seeders, leechers, partialSeeds);
        Set<String> listed = new HashSet<>();
        for (PeerState peer : swarm.activePeers()) {
            String id = id(peer);
            assertThat(listed.add(id)).as("listed once: %s", id).isTrue();
        }
        assertThat(listed).isEqualTo(active);
    }

    private static PeerId peerId(int peer) {
        return PeerId.of(String.format("-TE0000-%012d", peer).getBytes(StandardCharsets.US_ASCII));
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> announce = Combinators.combine(Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(1, 6), Arbitraries.of(AnnounceEvent.class),
                Arbitraries.of(0L, 100L), Arbitraries.integers().between(0, KEYS.length - 1),
                Arbitraries.integers().between(0, 20))
                .as((user, peer, event, left, key, advance) -> new Step(false, user, peer, event, left, key, advance));
        Arbitrary<Step> reap = Arbitraries.integers().between(0, 60)
                .map(advance -> new Step(true, 0, 0, AnnounceEvent.NONE, 0, 0, advance));
        return Arbitraries.frequencyOf(Tuple.of(8, announce), Tuple.of(1, reap))
                .list().ofMaxSize(200);
    }
}
