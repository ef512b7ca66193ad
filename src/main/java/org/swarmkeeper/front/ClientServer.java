package org.swarmkeeper.front;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The port BitTorrent clients talk to ({@code tracker.port}): HTTP/1.1 on Netty, epoll on Linux and NIO
 * elsewhere. Answers that are ready are written on the event loop; those that must wait run on virtual threads,
 * at most {@code tracker.front.max-waiting} at once, and are written back on the loop in request order.
 */
@Component
public class ClientServer implements SmartLifecycle {

    /**
     * Started after the web server (DEFAULT_PHASE - 2048), once the swarms are restored; stopped after the web
     * server's graceful shutdown (DEFAULT_PHASE - 1024) and before the ledger's last flush (phase 0).
     */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;
    private static final Logger log = LoggerFactory.getLogger(ClientServer.class);
    private static final long STOP_WAIT_SECONDS = 10;

    private final ClientPortProperties where;
    private final FrontProperties properties;
    private final ClientRoutes routes;
    private final ClientAddresses addresses;
    private final ObjectProvider<SslBundles> sslBundles;
    private final ConnectionLimits limits;
    private final Semaphore waiting;
    private final Counter handedOff;
    private final Counter busy;
    private final MeterRegistry meters;
    private final Map<Integer, Counter> refusedByStatus = new ConcurrentHashMap<>();
    private ExecutorService workers;
    private EventLoopGroup loops;
    private Channel listener;
    /** From {@code tracker.front.ssl-bundle}, renewed when the bundle is (new connections get the new one). */
    private volatile SslContext ssl;
    private volatile boolean running;
    private volatile int port;

    ClientServer(ClientPortProperties where, FrontProperties properties, ClientRoutes routes,
                 ClientAddresses addresses, ObjectProvider<SslBundles> sslBundles, MeterRegistry meters) {
        this.where = where;
        this.properties = properties;
        this.routes = routes;
        this.addresses = addresses;
        this.sslBundles = sslBundles;
        this.limits = new ConnectionLimits(properties.maxConnections(), properties.maxConnectionsPerAddress(),
                addresses);
        this.waiting = new Semaphore(properties.maxWaiting());
        this.handedOff = Counter.builder("tracker.front.handed.off")
                .description("Tracker requests answered on a worker thread because they wait for the ledger")
                .register(meters);
        this.meters = meters;
        this.busy = Counter.builder("tracker.front.busy")
                .description("Tracker requests answered unrecorded because tracker.front.max-waiting were already waiting")
                .register(meters);
        Gauge.builder("tracker.front.connections", limits, ConnectionLimits::open)
                .description("Open connections on the clients' port").register(meters);
    }

    /**
     * The port it listens on, or the configured one before it has started (the admin API may hand out announce
     * URLs while the swarms are still being restored); the chosen one when configured as 0, and 0 until then.
     */
    public int port() {
        return port != 0 ? port : where.port();
    }

    /** Whether the scheme of its URLs is {@code https}. */
    public boolean secure() {
        return properties.sslBundle() != null;
    }

    @Override
    public void start() {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        int threads = properties.threads() > 0 ? properties.threads() : Runtime.getRuntime().availableProcessors();
        if (properties.sslBundle() != null) {
            SslBundles bundles = sslBundles.getObject();
            ssl = TlsContexts.server(bundles.getBundle(properties.sslBundle()));
            bundles.addBundleUpdateHandler(properties.sslBundle(), renewed -> ssl = TlsContexts.server(renewed));
        }
        ThreadFactory virtual = Thread.ofVirtual().name("tracker-wait-", 0).factory();
        workers = Executors.newThreadPerTaskExecutor(virtual);
        loops = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("tracker-port", true), io);
        int maxHead = (int) Math.max(1024, properties.maxRequestHead().toBytes());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops)
                .channel(type)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        ChannelPipeline pipeline = channel.pipeline();
                        pipeline.addLast(limits);
                        SslContext tls = ssl;
                        if (tls != null) {
                            pipeline.addLast(tls.newHandler(channel.alloc()));
                        }
                        pipeline.addLast(new HttpRequestDecoder(new HttpDecoderConfig()
                                .setMaxInitialLineLength(maxHead)
                                .setMaxHeaderSize(maxHead)));
                        pipeline.addLast(new ClientRequestHandler(ClientServer.this));
                    }
                });
        long deferSeconds = properties.deferAccept().toSeconds();
        if (epoll && deferSeconds > 0) {
            bootstrap.option(EpollChannelOption.TCP_DEFER_ACCEPT, (int) deferSeconds);
        }
        try {
            listener = bootstrap.bind(socketAddress(where.address(), where.port())).syncUninterruptibly().channel();
        } catch (Exception e) { // a bind failure arrives as Netty's IOException, rethrown unchecked by sync
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownNow();
            throw new IllegalStateException("cannot listen on tracker.port " + where.port(), e);
        }
        port = ((InetSocketAddress) listener.localAddress()).getPort();
        running = true;
        log.info("BitTorrent clients served on port {} ({}, {} event loop(s){})", port, epoll ? "epoll" : "NIO",
                threads, ssl == null ? "" : ", TLS");
    }

    private static InetSocketAddress socketAddress(String host, int port) {
        return host == null ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /**
     * Stops accepting, answers what is waiting (at most 10 s), then closes every connection; the ledger's last
     * flush comes after.
     */
    @Override
    public void stop() {
        running = false;
        listener.close().syncUninterruptibly();
        // The permits are kept until the loops are down: a request read meanwhile on a kept-alive connection is
        // answered at once (unrecorded) instead of waiting on a worker for a connection about to close.
        boolean drained = false;
        try {
            drained = waiting.tryAcquire(properties.maxWaiting(), STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            if (!drained) {
                log.warn("Stopping with tracker requests still waiting after {} s", STOP_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdown();
        if (drained) {
            waiting.release(properties.maxWaiting()); // for a start after this stop
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** Whether the kernel holds new connections until their first bytes arrive ({@code tracker.front.defer-accept}). */
    boolean deferringAccept() {
        return Epoll.isAvailable() && properties.deferAccept().toSeconds() > 0;
    }

    /** Counts an answer other than 200: a request no client sends. */
    void refused(HttpResponseStatus status) {
        refusedByStatus.computeIfAbsent(status.code(), code -> Counter.builder("tracker.front.refused")
                .tag("status", Integer.toString(code))
                .description("Requests on the clients' port answered with an HTTP error").register(meters))
                .increment();
    }

    /** The event loops while the port is served, null otherwise: the connectability probe connects on them. */
    EventLoopGroup loops() {
        return running ? loops : null;
    }

    /** The client channel that suits {@link #loops()}: chosen as {@link #start()} chooses the server's. */
    static Class<? extends SocketChannel> clientChannelType() {
        return Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    ClientRoutes routes() {
        return routes;
    }

    ClientAddresses addresses() {
        return addresses;
    }

    FrontProperties properties() {
        return properties;
    }

    /**
     * Runs {@code work} on a worker thread, hands its answer to {@code write} on {@code loop} and then runs
     * {@code next} there; or returns false when {@code tracker.front.max-waiting} requests already wait. The permit is
     * given back once the answer is written, before {@code next}: a stop that waits for every permit has then
     * answered every waiting request before the loops close their connections, and what {@code next} serves may
     * take the permit again. When {@code work} throws (an {@code Error}: the use case answers everything else),
     * {@code abandon} runs on {@code loop} instead, so that the connection does not wait forever for an answer.
     */
    boolean handOff(Supplier<byte[]> work, EventExecutor loop, Consumer<byte[]> write, Runnable next,
                    Runnable abandon) {
        if (!waiting.tryAcquire()) {
            busy.increment();
            return false;
        }
        try {
            workers.execute(() -> {
                byte[] answer;
                try {
                    answer = work.get();
                } catch (RuntimeException | Error e) {
                    log.error("A tracker request's work failed; its connection is closed", e);
                    waiting.release();
                    onLoop(loop, abandon);
                    throw e;
                }
                boolean queued = onLoop(loop, () -> {
                    try {
                        write.accept(answer);
                    } finally {
                        waiting.release();
                    }
                    next.run();
                });
                if (!queued) { // nothing to answer on
                    waiting.release();
                }
            });
        } catch (RejectedExecutionException stopped) {
            waiting.release();
            busy.increment();
            return false;
        }
        handedOff.increment();
        return true;
    }

    /** Runs {@code task} on {@code loop}; false when the loop has stopped (its connections are closed already). */
    private static boolean onLoop(EventExecutor loop, Runnable task) {
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException stopped) {
            return false;
        }
    }
}
