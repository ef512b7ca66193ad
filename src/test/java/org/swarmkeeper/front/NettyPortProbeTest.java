package org.swarmkeeper.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The connectability probe on loopback sockets, with each transport the clients' port may run on. */
class NettyPortProbeTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** Far beyond the probe's timeout: only a probe that never answers takes this long. */
    private static final long ANSWERED_WITHIN_SECONDS = 30;
    /** A connection the kernel neither accepts nor refuses waits this long before it counts as dropped. */
    private static final int DROPPED_AFTER_MILLIS = 250;

    enum Transport {
        NIO(NioIoHandler::newFactory, NioSocketChannel.class),
        EPOLL(EpollIoHandler::newFactory, EpollSocketChannel.class);

        private final Supplier<IoHandlerFactory> io;
        private final Class<? extends SocketChannel> channel;

        Transport(Supplier<IoHandlerFactory> io, Class<? extends SocketChannel> channel) {
            this.io = io;
            this.channel = channel;
        }
    }

    private EventLoopGroup loops;

    @AfterEach
    void stopLoops() {
        if (loops != null) {
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @ParameterizedTest
    @EnumSource
    void aListeningPortConnectsAndTheConnectionIsClosedWithNothingSent(Transport transport) throws Exception {
        NettyPortProbe probe = probe(transport);
        try (ServerSocket listening = new ServerSocket(0, 50, LOOPBACK)) {
            assertThat(answer(probe.connects(at(listening.getLocalPort()), TIMEOUT))).isTrue();
            listening.setSoTimeout((int) TimeUnit.SECONDS.toMillis(ANSWERED_WITHIN_SECONDS));
            try (Socket probed = listening.accept()) {
                probed.setSoTimeout((int) TimeUnit.SECONDS.toMillis(ANSWERED_WITHIN_SECONDS));
                assertThat(probed.getInputStream().read()).as("closed before any byte").isEqualTo(-1);
            }
        }
    }

    @ParameterizedTest
    @EnumSource
    void aClosedPortDoesNotConnect(Transport transport) throws Exception {
        NettyPortProbe probe = probe(transport);
        int closed;
        try (ServerSocket once = new ServerSocket(0, 50, LOOPBACK)) {
            closed = once.getLocalPort();
        }
        assertThat(answer(probe.connects(at(closed), TIMEOUT))).isFalse();
    }

    /**
     * Linux drops a SYN to a listening socket whose accept queue is full (no RST): the connect is neither accepted
     * nor refused, as with a peer behind a firewall that drops, until the probe's timeout.
     */
    @ParameterizedTest
    @EnumSource
    void aPortThatNeverAnswersTimesOut(Transport transport) throws Exception {
        NettyPortProbe probe = probe(transport);
        List<Socket> queued = new ArrayList<>();
        try (ServerSocket neverAccepting = new ServerSocket(0, 1, LOOPBACK)) {
            fillAcceptQueue(neverAccepting.getLocalPort(), queued);
            assertThat(answer(probe.connects(at(neverAccepting.getLocalPort()), TIMEOUT))).isFalse();
        } finally {
            for (Socket socket : queued) {
                socket.close();
            }
        }
    }

    @Test
    void nothingIsTriedWhileTheClientsPortIsNotServed() throws Exception {
        NettyPortProbe notStarted = new NettyPortProbe(() -> null, NioSocketChannel.class);
        EventLoopGroup stopped = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        stopped.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        NettyPortProbe afterStop = new NettyPortProbe(() -> stopped, NioSocketChannel.class);
        try (ServerSocket listening = new ServerSocket(0, 50, LOOPBACK)) {
            CompletableFuture<Boolean> before = notStarted.connects(at(listening.getLocalPort()), TIMEOUT);
            CompletableFuture<Boolean> after = afterStop.connects(at(listening.getLocalPort()), TIMEOUT);
            assertThat(before).isCompletedWithValue(null);
            assertThat(after).isCompletedWithValue(null);
        }
    }

    @Test
    void anUnresolvedTargetIsNotLookedUp() {
        NettyPortProbe probe = probe(Transport.NIO);
        assertThat(probe.connects(InetSocketAddress.createUnresolved("localhost", 6881), TIMEOUT))
                .isCompletedWithValue(null);
    }

    private NettyPortProbe probe(Transport transport) {
        assumeTrue(transport != Transport.EPOLL || Epoll.isAvailable(), "epoll is not available here");
        loops = new MultiThreadIoEventLoopGroup(1, transport.io.get());
        return new NettyPortProbe(() -> loops, transport.channel);
    }

    private static InetSocketAddress at(int port) {
        return new InetSocketAddress(LOOPBACK, port);
    }

    private static boolean answer(CompletableFuture<Boolean> probe) throws Exception {
        return probe.get(ANSWERED_WITHIN_SECONDS, TimeUnit.SECONDS);
    }

    /** Connects until one connect is dropped: the kernel's accept queue for {@code port} is then full. */
    private static void fillAcceptQueue(int port, List<Socket> queued) throws IOException {
        for (int i = 0; i < 16; i++) {
            Socket socket = new Socket();
            queued.add(socket);
            try {
                socket.connect(at(port), DROPPED_AFTER_MILLIS);
            } catch (SocketTimeoutException dropped) {
                return;
            }
        }
        fail("the kernel accepted 16 connections on a listening socket with a backlog of 1 that never accepts");
    }
}
