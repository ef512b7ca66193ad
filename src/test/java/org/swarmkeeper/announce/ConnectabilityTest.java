package org.swarmkeeper.announce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swarmkeeper.front.NettyPortProbe;
import org.swarmkeeper.swarm.Reachability;

/**
 * When the tracker probes a peer's port, and what it remembers: real connections on loopback, and a fake probe for the
 * rules about whom and how often.
 */
class ConnectabilityTest {

    private static final long HOUR = 3_600_000;
    private static final Duration CACHE_FOR = Duration.ofMinutes(30);
    private static final long ANSWERED_WITHIN_SECONDS = 30;
    private static final InetAddress LOOPBACK = address("127.0.0.1");
    private static final InetAddress PUBLIC = address("203.0.113.5");

    private final MeterRegistry meters = new SimpleMeterRegistry();
    /** The callers' clock, settable: the middle of an hour, so that a test knows when the next one starts. */
    private long now = 400_000 * HOUR + HOUR / 2;
    private EventLoopGroup loops;

    @AfterEach
    void stopLoops() {
        if (loops != null) {
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aListeningPortIsFoundConnectableAndRememberedWithoutASecondProbe() throws Exception {
        Connectability connectability = onLoopback();
        try (ServerSocket listening = new ServerSocket(0, 50, LOOPBACK)) {
            int port = listening.getLocalPort();
            CompletableFuture<Reachability> found = new CompletableFuture<>();

            assertThat(connectability.reachability(1, LOOPBACK, port, now, found::complete))
                    .isEqualTo(Reachability.UNKNOWN);
            assertThat(found.get(ANSWERED_WITHIN_SECONDS, TimeUnit.SECONDS)).isEqualTo(Reachability.CONNECTABLE);

            CompletableFuture<Reachability> again = new CompletableFuture<>();
            assertThat(connectability.reachability(1, LOOPBACK, port, now + 1_000, again::complete))
                    .isEqualTo(Reachability.CONNECTABLE);
            assertThat(connectability.cached(LOOPBACK, port, now + 1_000)).isEqualTo(Reachability.CONNECTABLE);
            assertThat(again).isNotDone();
            assertThat(probes("connectable")).isEqualTo(1);
            assertThat(probes("unconnectable")).isZero();
        }
    }

    @Test
    void aClosedPortIsFoundUnconnectable() throws Exception {
        Connectability connectability = onLoopback();
        int closed;
        try (ServerSocket once = new ServerSocket(0, 50, LOOPBACK)) {
            closed = once.getLocalPort();
        }
        CompletableFuture<Reachability> found = new CompletableFuture<>();

        connectability.reachability(1, LOOPBACK, closed, now, found::complete);

        assertThat(found.get(ANSWERED_WITHIN_SECONDS, TimeUnit.SECONDS)).isEqualTo(Reachability.UNCONNECTABLE);
        assertThat(connectability.cached(LOOPBACK, closed, now)).isEqualTo(Reachability.UNCONNECTABLE);
        assertThat(probes("unconnectable")).isEqualTo(1);
    }

    @Test
    void aFindingStandsForCacheForThenThePortIsProbedAgain() throws Exception {
        Connectability connectability = onLoopback();
        try (ServerSocket listening = new ServerSocket(0, 50, LOOPBACK)) {
            int port = listening.getLocalPort();
            CompletableFuture<Reachability> first = new CompletableFuture<>();
            connectability.reachability(1, LOOPBACK, port, now, first::complete);
            assertThat(first.get(ANSWERED_WITHIN_SECONDS, TimeUnit.SECONDS)).isEqualTo(Reachability.CONNECTABLE);

            long lastFresh = now + CACHE_FOR.toMillis() - 1;
            assertThat(connectability.reachability(1, LOOPBACK, port, lastFresh, found -> { }))
                    .isEqualTo(Reachability.CONNECTABLE);
            long expired = now + CACHE_FOR.toMillis();
            assertThat(connectability.cached(LOOPBACK, port, expired)).isEqualTo(Reachability.UNKNOWN);
            CompletableFuture<Reachability> second = new CompletableFuture<>();
            assertThat(connectability.reachability(1, LOOPBACK, port, expired, second::complete))
                    .isEqualTo(Reachability.UNKNOWN);
            assertThat(second.get(ANSWERED_WITHIN_SECONDS, TimeUnit.SECONDS)).isEqualTo(Reachability.CONNECTABLE);
            assertThat(probes("connectable")).isEqualTo(2);
            assertThat(connectability.reachability(1, LOOPBACK, port, expired, found -> { }))
                    .isEqualTo(Reachability.CONNECTABLE);
        }
    }

    @Test
    void privateAndLocalAddressesAreNeverProbedByDefault() {
        FakeProbe probe = FakeProbe.answering(true);
        Connectability connectability = new Connectability(properties(List.of(), 64, 100), probe, meters);
        List<String> neverProbed = List.of("127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.1.1",
                "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1",
                "ff02::1");
        for (String text : neverProbed) {
            assertThat(connectability.reachability(1, address(text), 6881, now, found -> { }))
                    .as(text).isEqualTo(Reachability.UNKNOWN);
        }
        assertThat(mapped("10.0.0.1")).isInstanceOf(Inet6Address.class);
        assertThat(connectability.reachability(1, mapped("10.0.0.1"), 6881, now, found -> { }))
                .isEqualTo(Reachability.UNKNOWN);
        assertThat(probe.targets).isEmpty();
        assertThat(skipped("not_allowed")).isEqualTo(neverProbed.size() + 1);

        connectability.reachability(1, PUBLIC, 6881, now, found -> { });
        connectability.reachability(1, address("2001:db8::1"), 6881, now, found -> { });
        connectability.reachability(1, mapped("198.51.100.7"), 6881, now, found -> { });
        assertThat(probe.targets).containsExactly(new InetSocketAddress(PUBLIC, 6881),
                new InetSocketAddress(address("2001:db8::1"), 6881),
                new InetSocketAddress(address("198.51.100.7"), 6881));
    }

    @Test
    void anAllowedNetworkIsProbedAlthoughPrivate() {
        FakeProbe probe = FakeProbe.answering(true);
        Connectability connectability = new Connectability(properties(List.of("10.0.0.0/8", "fd00::/8"), 64, 100),
                probe, meters);

        connectability.reachability(1, address("10.1.2.3"), 6881, now, found -> { });
        connectability.reachability(1, address("fd12::1"), 6881, now, found -> { });
        connectability.reachability(1, address("192.168.1.1"), 6881, now, found -> { });

        assertThat(probe.targets).containsExactly(new InetSocketAddress(address("10.1.2.3"), 6881),
                new InetSocketAddress(address("fd12::1"), 6881));
        assertThat(skipped("not_allowed")).isEqualTo(1);
    }

    @Test
    void aUserStartsAtMostPerUserPerHourProbesInAClockHour() {
        FakeProbe probe = FakeProbe.answering(true);
        Connectability connectability = new Connectability(properties(List.of(), 64, 2), probe, meters);

        connectability.reachability(1, PUBLIC, 1001, now, found -> { });
        connectability.reachability(1, PUBLIC, 1002, now, found -> { });
        // cached findings cost nothing
        assertThat(connectability.reachability(1, PUBLIC, 1001, now, found -> { }))
                .isEqualTo(Reachability.CONNECTABLE);
        assertThat(connectability.reachability(1, PUBLIC, 1003, now, found -> { })).isEqualTo(Reachability.UNKNOWN);
        assertThat(skipped("user_cap")).isEqualTo(1);
        assertThat(probe.ports()).containsExactly(1001, 1002);

        connectability.reachability(2, PUBLIC, 1004, now, found -> { });
        assertThat(probe.ports()).containsExactly(1001, 1002, 1004);

        long nextHour = (now / HOUR + 1) * HOUR;
        connectability.reachability(1, PUBLIC, 1003, nextHour - 1, found -> { });
        assertThat(probe.ports()).as("still the same hour").containsExactly(1001, 1002, 1004);
        connectability.reachability(1, PUBLIC, 1003, nextHour, found -> { });
        assertThat(probe.ports()).containsExactly(1001, 1002, 1004, 1003);
        assertThat(skipped("user_cap")).isEqualTo(2);
    }

    @Test
    void probesBeyondMaxConcurrentAreSkippedUntilOneFinishes() {
        FakeProbe probe = FakeProbe.answeringByHand();
        Connectability connectability = new Connectability(properties(List.of(), 1, 100), probe, meters);
        CompletableFuture<Reachability> first = new CompletableFuture<>();
        CompletableFuture<Reachability> second = new CompletableFuture<>();

        connectability.reachability(1, PUBLIC, 1001, now, first::complete);
        assertThat(connectability.reachability(1, PUBLIC, 1002, now, second::complete))
                .isEqualTo(Reachability.UNKNOWN);
        assertThat(skipped("busy")).isEqualTo(1);
        assertThat(probe.ports()).containsExactly(1001);

        probe.answers.get(0).complete(false);
        assertThat(first).isCompletedWithValue(Reachability.UNCONNECTABLE);
        assertThat(second).as("a skipped probe calls nobody back").isNotDone();

        connectability.reachability(1, PUBLIC, 1002, now, second::complete);
        assertThat(probe.ports()).containsExactly(1001, 1002);
        probe.answers.get(1).complete(true);
        assertThat(second).isCompletedWithValue(Reachability.CONNECTABLE);
    }

    @Test
    void callersWhileAProbeIsInFlightJoinItInsteadOfStartingAnother() {
        FakeProbe probe = FakeProbe.answeringByHand();
        Connectability connectability = new Connectability(properties(List.of(), 64, 100), probe, meters);
        CompletableFuture<Reachability> first = new CompletableFuture<>();
        CompletableFuture<Reachability> joined = new CompletableFuture<>();

        connectability.reachability(1, PUBLIC, 6881, now, first::complete);
        assertThat(connectability.reachability(2, mapped("203.0.113.5"), 6881, now + 1, joined::complete))
                .isEqualTo(Reachability.UNKNOWN);
        assertThat(probe.targets).hasSize(1);

        probe.answers.get(0).complete(true);
        assertThat(first).isCompletedWithValue(Reachability.CONNECTABLE);
        assertThat(joined).isCompletedWithValue(Reachability.CONNECTABLE);
        assertThat(probes("connectable")).isEqualTo(1);
    }

    @Test
    void aFullCacheTakesNewEndpointsOnceFindingsExpire() {
        FakeProbe probe = FakeProbe.answering(true);
        Connectability connectability = new Connectability(properties(List.of(), 64, 100), probe, meters, 2);

        connectability.reachability(1, PUBLIC, 1001, now, found -> { });
        connectability.reachability(1, PUBLIC, 1002, now, found -> { });
        connectability.reachability(1, PUBLIC, 1003, now, found -> { });
        assertThat(skipped("cache_full")).isEqualTo(1);
        assertThat(probe.ports()).containsExactly(1001, 1002);

        long expired = now + CACHE_FOR.toMillis();
        connectability.reachability(1, PUBLIC, 1003, expired, found -> { });
        assertThat(probe.ports()).containsExactly(1001, 1002, 1003);
    }

    @Test
    void aProbeThatCouldNotBeTriedFindsNothingAndIsTriedAgain() {
        FakeProbe probe = FakeProbe.answeringByHand();
        Connectability connectability = new Connectability(properties(List.of(), 1, 100), probe, meters);
        CompletableFuture<Reachability> first = new CompletableFuture<>();

        connectability.reachability(1, PUBLIC, 6881, now, first::complete);
        probe.answers.get(0).complete(null); // the clients' port was not served
        assertThat(first).as("no finding to tell").isNotDone();
        assertThat(connectability.cached(PUBLIC, 6881, now)).isEqualTo(Reachability.UNKNOWN);
        assertThat(probes("connectable") + probes("unconnectable")).isZero();

        connectability.reachability(1, PUBLIC, 6881, now, first::complete);
        assertThat(probe.ports()).as("tried again; the slot in flight was given back").containsExactly(6881, 6881);
    }

    @Test
    void nothingIsProbedWhenDisabledOrWithoutAPort() {
        FakeProbe probe = FakeProbe.answering(true);
        ConnectabilityProperties off = new ConnectabilityProperties(false, Duration.ofSeconds(2), CACHE_FOR, 64, 20,
                List.of(), false, false);
        Connectability disabled = new Connectability(off, probe, meters);
        Connectability enabled = new Connectability(properties(List.of(), 64, 20), probe, new SimpleMeterRegistry());

        assertThat(disabled.reachability(1, PUBLIC, 6881, now, found -> { })).isEqualTo(Reachability.UNKNOWN);
        assertThat(enabled.reachability(1, PUBLIC, 0, now, found -> { })).isEqualTo(Reachability.UNKNOWN);
        assertThat(probe.targets).isEmpty();
    }

    @Test
    void theTimeoutIsBetweenOneAndThreeSeconds() {
        for (Duration wrong : List.of(Duration.ofMillis(500), Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> withTimeout(wrong)).as(wrong.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tracker.connectability.timeout");
        }
        for (Duration right : List.of(Duration.ofSeconds(1), Duration.ofSeconds(3))) {
            assertThatCode(() -> withTimeout(right)).as(right.toString()).doesNotThrowAnyException();
        }
    }

    @Test
    void anAllowEntryThatIsNoNetworkIsRefused() {
        assertThatThrownBy(() -> properties(List.of("10.0.0.0/8", "example.org"), 64, 20))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tracker.connectability.allow")
                .hasMessageContaining("example.org");
    }

    private Connectability onLoopback() {
        loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup group = loops;
        return new Connectability(properties(List.of("127.0.0.0/8"), 64, 20),
                new NettyPortProbe(() -> group, NioSocketChannel.class), meters);
    }

    private static ConnectabilityProperties properties(List<String> allow, int maxConcurrent, int perUserPerHour) {
        return new ConnectabilityProperties(true, Duration.ofSeconds(1), CACHE_FOR, maxConcurrent, perUserPerHour,
                allow, false, false);
    }

    private static ConnectabilityProperties withTimeout(Duration timeout) {
        return new ConnectabilityProperties(true, timeout, CACHE_FOR, 64, 20, List.of(), false, false);
    }

    private double probes(String result) {
        return meters.get("tracker.connectability.probes").tag("result", result).counter().count();
    }

    private double skipped(String reason) {
        return meters.get("tracker.connectability.skipped").tag("reason", reason).counter().count();
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** The IPv4-mapped IPv6 form of an IPv4 address, as a dual-stack socket may give it. */
    private static InetAddress mapped(String ipv4) {
        byte[] v4 = address(ipv4).getAddress();
        byte[] v6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, v4[0], v4[1], v4[2], v4[3]};
        try {
            return Inet6Address.getByAddress(null, v6, -1);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ipv4, e);
        }
    }

    /** Records each target, and answers with what {@code answer} gives for it. */
    private static final class FakeProbe implements PortProbe {

        private final Queue<InetSocketAddress> targets = new ConcurrentLinkedQueue<>();
        private final List<CompletableFuture<Boolean>> answers = new CopyOnWriteArrayList<>();
        private final Function<InetSocketAddress, CompletableFuture<Boolean>> answer;

        private FakeProbe(Function<InetSocketAddress, CompletableFuture<Boolean>> answer) {
            this.answer = answer;
        }

        static FakeProbe answering(boolean opens) {
            return new FakeProbe(target -> CompletableFuture.completedFuture(opens));
        }

        /** Answers once the test completes the probe's entry in {@link #answers}. */
        static FakeProbe answeringByHand() {
            return new FakeProbe(target -> new CompletableFuture<>());
        }

        @Override
        public CompletableFuture<Boolean> connects(InetSocketAddress target, Duration timeout) {
            targets.add(target);
            CompletableFuture<Boolean> future = answer.apply(target);
            answers.add(future);
            return future;
        }

        List<Integer> ports() {
            return targets.stream().map(InetSocketAddress::getPort).toList();
        }
    }
}
