package org.swarmkeeper.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.swarmkeeper.protocol.AnnounceEvent;
import org.swarmkeeper.protocol.AnnounceRequest;
import org.swarmkeeper.protocol.BencodeReader;
import org.swarmkeeper.protocol.BencodedAnswers;
import org.swarmkeeper.protocol.InfoHash;
import org.swarmkeeper.protocol.PeerId;
import org.swarmkeeper.protocol.PeerAddresses;

/**
 * How a peer list is shaped ({@link ListShape}): leechers get seeders first, round-robin over every seeder;
 * one peer per other user while others can fill the list; peers found unconnectable last or not at all;
 * seeders get leechers only. Each peer listens on a port that names it: user × 10 + its number.
 */
class PeerListShapeTest {

    private static final InetAddress ADDRESS = address();
    private static final long SEEDER_USERS = 100;
    private static final long LEECHER_USERS = 200;
    private static final long ASKING = 900;

    private Swarm swarm;

    @Property(tries = 300)
    void everySeederIsShownWithinSeedersOverSlotsAnnounces(@ForAll @IntRange(min = 1, max = 60) int seeders,
                                                           @ForAll @IntRange(max = 60) int leechers,
                                                           @ForAll @IntRange(min = 1, max = 80) int numwant,
                                                           @ForAll @DoubleRange(min = 0, max = 1) double share) {
        swarm = new Swarm(1, 0, change -> { });
        fill(seeders, leechers);
        ListShape shape = new ListShape(numwant, share, share > 0.5, false);
        int slots = shape.seederQuota(seeders);
        assertThat(slots).as("nobody is starved of the swarm's seeders").isBetween(1, Math.min(numwant, seeders));
        Set<Long> shown = new HashSet<>();
        int announces = (seeders + slots - 1) / slots;
        for (int i = 0; i < announces; i++) {
            List<Listed> list = ask(ASKING + i, shape);
            List<Listed> seedersListed = list.stream().filter(Listed::seeder).toList();
            assertThat(seedersListed).hasSize(slots);
            assertThat(list).hasSize(Math.min(numwant, slots + leechers));
            assertThat(list.stream().map(Listed::user).distinct().count()).as("one peer per user")
                    .isEqualTo(list.size());
            // Seeders ahead of the leechers, or after them for a grade that puts them last.
            int firstLeecher = list.indexOf(list.stream().filter(p -> !p.seeder()).findFirst().orElse(null));
            if (firstLeecher >= 0) {
                assertThat(list.subList(shape.seedersFirst() ? firstLeecher : 0,
                        shape.seedersFirst() ? list.size() : list.size() - slots)).noneMatch(Listed::seeder);
            }
            seedersListed.forEach(p -> shown.add(p.user()));
        }
        assertThat(shown).hasSize(seeders);
    }

    /**
     * The grades' default shares (1, 0.5, 0.25) over 1,000 announces each in a swarm of 20 seeders and 80 leechers,
     * numwant 50: seeders make 40 %, 20 % and 10 % of the lists, and the round-robin shows every seeder as often as
     * the others.
     */
    @Example
    void overManyAnnouncesSeedersMakeTheirGradesShareOfTheListsAndEachIsShownEqually() {
        swarm = new Swarm(1, 0, change -> { });
        fill(20, 80);
        Map<Double, Double> shareOfLists = new TreeMap<>();
        for (double grade : new double[] {1, 0.5, 0.25}) {
            ListShape shape = new ListShape(50, grade, grade > 0.25, false);
            long seeders = 0;
            long listed = 0;
            Map<Long, Integer> shown = new HashMap<>();
            for (int i = 0; i < 1_000; i++) {
                for (Listed peer : ask(ASKING, shape)) {
                    listed++;
                    if (peer.seeder()) {
                        seeders++;
                        shown.merge(peer.user(), 1, Integer::sum);
                    }
                }
            }
            shareOfLists.put(grade, (double) seeders / listed);
            assertThat(shown).hasSize(20);
            assertThat(Collections.max(shown.values()) - Collections.min(shown.values()))
                    .as("round-robin: each seeder shown as often as the others").isLessThanOrEqualTo(1);
        }
        assertThat(shareOfLists).containsEntry(1.0, 0.4).containsEntry(0.5, 0.2).containsEntry(0.25, 0.1);
    }

    @Example
    void aLeecherAmongFewSeedersAndManyLeechersGetsEverySeederFirst() {
        swarm = new Swarm(1, 0, change -> { });
        fill(3, 47);
        for (int i = 0; i < 20; i++) {
            List<Listed> list = ask(ASKING + i, ListShape.full(20));
            assertThat(list).hasSize(20);
            assertThat(list.subList(0, 3)).allMatch(Listed::seeder);
            assertThat(list.subList(3, 20)).noneMatch(Listed::seeder);
        }
    }

    @Example
    void aListHoldsOnePeerOfAnotherUserWhileOthersCanFillIt() {
        swarm = new Swarm(1, 0, change -> { });
        for (int peer = 1; peer <= 3; peer++) {
            announce(LEECHER_USERS, peer, 1_000);
        }
        announce(LEECHER_USERS + 1, 1, 1_000);
        announce(LEECHER_USERS + 2, 1, 1_000);
        for (int i = 0; i < 50; i++) {
            List<Listed> three = ask(ASKING, ListShape.full(3));
            assertThat(three).extracting(Listed::user)
                    .containsExactlyInAnyOrder(LEECHER_USERS, LEECHER_USERS + 1, LEECHER_USERS + 2);
        }
        List<Listed> five = ask(ASKING, ListShape.full(5));
        assertThat(five).hasSize(5);
        assertThat(five.subList(0, 3)).extracting(Listed::user).doesNotHaveDuplicates();
        assertThat(five.subList(3, 5)).extracting(Listed::user).containsOnly(LEECHER_USERS);
    }

    @Example
    void peersFoundUnconnectableComeLastOrNotAtAll() {
        swarm = new Swarm(1, 0, change -> { });
        fill(4, 6);
        for (long user : List.of(SEEDER_USERS, SEEDER_USERS + 1, LEECHER_USERS, LEECHER_USERS + 1)) {
            swarm.reachability(user, peerId(user, 1), endpoint(user, 1), Reachability.UNCONNECTABLE);
        }
        swarm.reachability(SEEDER_USERS + 2, peerId(SEEDER_USERS + 2, 1), endpoint(SEEDER_USERS + 2, 1),
                Reachability.CONNECTABLE);
        Set<Long> unconnectable = Set.of(SEEDER_USERS, SEEDER_USERS + 1, LEECHER_USERS, LEECHER_USERS + 1);
        for (int i = 0; i < 20; i++) {
            List<Listed> list = ask(ASKING, ListShape.full(10));
            assertThat(list).hasSize(10);
            List<Listed> seeders = list.subList(0, 4);
            assertThat(seeders).allMatch(Listed::seeder);
            assertThat(seeders.subList(0, 2)).noneMatch(p -> unconnectable.contains(p.user()));
            assertThat(seeders.subList(2, 4)).allMatch(p -> unconnectable.contains(p.user()));
            assertThat(list.subList(8, 10)).allMatch(p -> unconnectable.contains(p.user()));
            assertThat(ask(ASKING, ListShape.full(4)).subList(0, 2))
                    .as("the connectable seeders are preferred").noneMatch(p -> unconnectable.contains(p.user()));
            assertThat(ask(ASKING, new ListShape(10, 1, true, true)))
                    .hasSize(6).noneMatch(p -> unconnectable.contains(p.user()));
        }
    }

    @Example
    void aMovedPeerLosesWhatWasFoundAboutItsOldEndpoint() {
        swarm = new Swarm(1, 0, change -> { });
        announce(SEEDER_USERS, 1, 0);
        swarm.reachability(SEEDER_USERS, peerId(SEEDER_USERS, 1), endpoint(SEEDER_USERS, 1), Reachability.UNCONNECTABLE);
        announce(SEEDER_USERS, 1, 0);
        assertThat(swarm.peer(SEEDER_USERS, peerId(SEEDER_USERS, 1)).reachability()).isEqualTo(Reachability.UNCONNECTABLE);
        swarm.announce(SEEDER_USERS, new AnnounceRequest(InfoHash.of(new byte[20]), peerId(SEEDER_USERS, 1), 7,
                0, 0, 0, AnnounceEvent.NONE, true, false, 50, null), ADDRESS, "test", 0, ListShape.NONE,
                CreditGrant.FULL);
        assertThat(swarm.peer(SEEDER_USERS, peerId(SEEDER_USERS, 1)).reachability()).isEqualTo(Reachability.UNKNOWN);
        swarm.reachability(SEEDER_USERS, peerId(SEEDER_USERS, 1), endpoint(SEEDER_USERS, 1), Reachability.CONNECTABLE);
        assertThat(swarm.peer(SEEDER_USERS, peerId(SEEDER_USERS, 1)).reachability())
                .as("a late finding about the old port").isEqualTo(Reachability.UNKNOWN);
    }

    @Example
    void seedersAndPartialSeedsAreGivenLeechersOnly() {
        swarm = new Swarm(1, 0, change -> { });
        fill(5, 5);
        swarm.announce(LEECHER_USERS + 10, new AnnounceRequest(InfoHash.of(new byte[20]),
                        peerId(LEECHER_USERS + 10, 1), port(LEECHER_USERS + 10, 1), 0, 0, 500, AnnounceEvent.PAUSED,
                        true, false, 50, null), ADDRESS, "test", 0, ListShape.NONE, CreditGrant.FULL);
        Swarm.Outcome outcome = swarm.announce(SEEDER_USERS + 20, request(SEEDER_USERS + 20, 1, 0), ADDRESS, "test",
                0, ListShape.full(50), CreditGrant.FULL);
        assertThat(listed(outcome)).hasSize(5).noneMatch(Listed::seeder)
                .noneMatch(p -> p.user() == LEECHER_USERS + 10);
    }

    private void fill(int seeders, int leechers) {
        for (int i = 0; i < seeders; i++) {
            announce(SEEDER_USERS + i, 1, 0);
        }
        for (int i = 0; i < leechers; i++) {
            announce(LEECHER_USERS + i, 1, 1_000);
        }
    }

    private void announce(long user, int peer, long left) {
        swarm.announce(user, request(user, peer, left), ADDRESS, "test", 0, ListShape.NONE, CreditGrant.FULL);
    }

    private List<Listed> ask(long user, ListShape shape) {
        return listed(swarm.peersFor(user, false, shape));
    }

    private record Listed(long user, boolean seeder) {
    }

    private static List<Listed> listed(Swarm.Outcome outcome) {
        try {
            byte[] body = BencodedAnswers.announce(new BencodedAnswers.AnnounceAnswer(1, 1, 0, 0, 0, null, null, 0),
                    outcome.peers(), true, true);
            @SuppressWarnings("unchecked")
            byte[] peers = (byte[]) ((Map<String, Object>) BencodeReader.decode(body)).get("peers");
            List<Listed> listed = new ArrayList<>();
            for (int i = 0; i < peers.length; i += 6) {
                long user = ((peers[i + 4] & 0xff) << 8 | peers[i + 5] & 0xff) / 10;
                listed.add(new Listed(user, user >= SEEDER_USERS && user < LEECHER_USERS));
            }
            return listed;
        } catch (BencodeReader.BencodeException e) {
            throw new AssertionError(e);
        }
    }

    private static int port(long user, int peer) {
        return (int) (user * 10 + peer);
    }

    private static byte[] endpoint(long user, int peer) {
        return PeerAddresses.compact(ADDRESS, port(user, peer));
    }

    private static PeerId peerId(long user, int peer) {
        return PeerId.of(String.format("-TE0000-%08d%04d", user, peer).getBytes(StandardCharsets.ISO_8859_1));
    }

    private static AnnounceRequest request(long user, int peer, long left) {
        return new AnnounceRequest(InfoHash.of(new byte[20]), peerId(user, peer), port(user, peer), 0, 0, left,
                AnnounceEvent.NONE, true, false, 50, null);
    }

    private static InetAddress address() {
        try {
            return InetAddress.getByName("127.0.0.1");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
