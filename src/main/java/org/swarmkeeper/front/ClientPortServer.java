package org.swarmkeeper.front;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.thread.Threading;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;
import org.swarmkeeper.announce.ClientAnswer;
import org.swarmkeeper.protocol.PeerAddresses;
import org.swarmkeeper.protocol.BencodedAnswers;

/**
 * The tracker's paths on a port of their own ({@code tracker.front.port}), served by non-blocking event loops
 * instead of Tomcat. With a new connection per announce, as clients make them, Tomcat's acceptor, poller and
 * worker hand-offs cost more than the tracker's own work (docs/PERFORMANCE.md); here one thread accepts, reads,
 * answers and writes each connection ({@code tracker.front.threads} of them take turns on the one listening
 * socket). The announces and scrapes that wait for the ledger ({@code started}, {@code stopped},
 * {@code completed}, back-pressure) go to worker threads, and the loop writes their answers when they are ready.
 * <p>
 * It speaks the HTTP that BitTorrent clients use: GET and HEAD, HTTP/1.0 and 1.1, keep-alive and pipelining, no
 * request bodies, no TLS (terminate it in a proxy, {@code tracker.network.trusted-proxies}). Other paths get a
 * bencoded 404: the admin API and Actuator stay on {@code server.port}.
 */
@Component
@ConditionalOnProperty(prefix = "tracker.front", name = "port")
public class ClientPortServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClientPortServer.class);
    private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    private static final int BACKLOG = 1024;
    /** Connections accepted per wake-up at most, so that a flood of new ones cannot starve the open ones. */
    private static final int ACCEPT_BATCH = 64;
    private static final byte[] NOT_A_TRACKER_PATH =
            BencodedAnswers.failure("not a tracker URL: use the announce URL from your torrent file");
    private static final byte[] OK = ascii("HTTP/1.1 200 OK\r\n");
    private static final byte[] NOT_FOUND = ascii("HTTP/1.1 404 Not Found\r\n");
    private static final byte[] METHOD_NOT_ALLOWED = ascii("HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD\r\n");
    private static final byte[] HEAD_TOO_LARGE = ascii("HTTP/1.1 431 Request Header Fields Too Large\r\n");
    private static final byte[] BAD_REQUEST = ascii("HTTP/1.1 400 Bad Request\r\n");
    private static final byte[] LENGTH_HEADER = ascii("Content-Type: text/plain\r\nContent-Length: ");
    private static final byte[] END_KEEP_ALIVE = ascii("\r\n\r\n");
    private static final byte[] END_CLOSE = ascii("\r\nConnection: close\r\n\r\n");

    /** One client connection; touched by the loop thread only. */
    private static final class Connection {
        final SocketChannel channel;
        final InetAddress address;
        /** Null until it has to wait for the socket: one answered at once never enters the selector. */
        SelectionKey key;
        /** Received bytes not served yet: a request cut short, or requests pipelined behind one that waits. */
        byte[] unread;
        /** The part of an answer the socket did not take at once. */
        ByteBuffer unwritten;
        boolean keepAlive;
        /** TCP_NODELAY is set once it is kept alive: closed after one answer, it has no use for it. */
        boolean noDelay;
        /** A worker prepares this connection's answer; nothing else is read or written meanwhile. */
        boolean waiting;
        /**
         * Refused: what it still sends is read and dropped until it closes or times out. Closing a socket with
         * unread input resets it, and the reset can destroy the refusal before the client reads it.
         */
        boolean draining;
        long deadline;

        Connection(SocketChannel channel, InetAddress address) {
            this.channel = channel;
            this.address = address;
        }
    }

    private record Answer(Connection connection, byte[] body, boolean headOnly) {
    }

    private final FrontProperties properties;
    private final ClientRoutes endpoints;
    private final ClientAddresses clientAddresses;
    private final Executor workers;
    private final MeterRegistry meters;
    private final Counter handedOff;
    private final int maxHead;
    private final long timeoutNanos;
    private final List<EventLoop> loops = new CopyOnWriteArrayList<>();
    private volatile boolean running;
    private volatile int localPort = -1;
    private volatile boolean deferring;
    private ServerSocketChannel server;

    ClientPortServer(FrontProperties properties, ClientRoutes endpoints, ClientAddresses clientAddresses,
                 MeterRegistry meters, Environment environment) {
        this.properties = properties;
        this.endpoints = endpoints;
        this.clientAddresses = clientAddresses;
        this.workers = workers(environment);
        this.meters = meters;
        this.maxHead = (int) Math.max(1024, properties.maxRequestHead().toBytes());
        this.timeoutNanos = properties.timeout().toNanos();
        this.handedOff = Counter.builder("tracker.front.handed.off")
                .description("Tracker requests answered on a worker thread because they wait for the ledger")
                .register(meters);
        Gauge.builder("tracker.front.connections", loops, all -> all.stream().mapToInt(loop -> loop.open).sum())
                .description("Open connections on tracker.front.port").register(meters);
    }

    /** Virtual threads where Spring uses them; otherwise a pool as large as Tomcat's, idle threads let go. */
    private static Executor workers(Environment environment) {
        if (Threading.VIRTUAL.isActive(environment)) {
            SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("tracker-front-wait-");
            executor.setVirtualThreads(true);
            return executor;
        }
        CustomizableThreadFactory threads = new CustomizableThreadFactory("tracker-front-wait-");
        threads.setDaemon(true);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(200, 200, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                threads);
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Asks the kernel to hand over connections only once their request has arrived
     * ({@code tracker.front.defer-accept}): they are then answered and closed at once and never enter a selector,
     * whose registration, wake-up and deregistration cost more CPU than the answer (docs/PERFORMANCE.md).
     */
    private void deferAccept() {
        Duration period = properties.deferAccept();
        if (period.isNegative() || period.isZero()) {
            return;
        }
        if (!DeferredAccept.isAvailable()) {
            log.info("tracker.front.defer-accept is Linux's: connections are accepted at once");
            return;
        }
        String unavailable = DeferredAccept.enable(server, period);
        if (unavailable != null) {
            log.warn("tracker.front.defer-accept is not in effect ({}): connections are accepted before their "
                    + "request arrives, which costs CPU per connection", unavailable);
        }
        deferring = unavailable == null;
    }

    /** Whether the kernel holds new connections until they send something ({@link #deferAccept()}). */
    boolean deferringAccept() {
        return deferring;
    }

    /** The port it listens on (the chosen one when configured as 0). */
    public int port() {
        return localPort;
    }

    /**
     * One loop per {@code tracker.front.threads}, all accepting from the one listening socket: whichever is free
     * takes the next connection, and keeps it.
     */
    @Override
    public void start() {
        int threads = properties.threads() > 0 ? properties.threads() : Runtime.getRuntime().availableProcessors();
        try {
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(properties.address() == null ? new InetSocketAddress(properties.port())
                    : new InetSocketAddress(properties.address(), properties.port()), BACKLOG);
            server.configureBlocking(false);
            deferAccept();
            localPort = ((InetSocketAddress) server.getLocalAddress()).getPort();
            for (int i = 0; i < threads; i++) {
                loops.add(new EventLoop(Math.max(1, properties.maxConnections() / threads)));
            }
        } catch (IOException e) {
            loops.forEach(EventLoop::close);
            loops.clear();
            closeQuietly(server);
            throw new UncheckedIOException("tracker.front: cannot listen on port " + properties.port(), e);
        }
        running = true;
        for (int i = 0; i < loops.size(); i++) {
            loops.get(i).start("tracker-front-" + i);
        }
        log.info("Tracker paths served on port {} by {} event loop(s) (tracker.front)", localPort, loops.size());
    }

    /** Stops accepting, answers what workers still prepare (at most 10 s), then closes every connection. */
    @Override
    public void stop() {
        running = false;
        loops.forEach(EventLoop::wakeUp);
        for (EventLoop loop : loops) {
            loop.join(STOP_WAIT.toMillis() + 5_000);
        }
        loops.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** With the valve's requests: after the web server has started (and the swarms are restored). */
    @Override
    public int getPhase() {
        return InFlightRequests.PHASE;
    }

    /** One thread with its selector and its connections. */
    private final class EventLoop {

        private final Selector selector;
        private final SelectionKey accepting;
        /** Answers the workers finished, for this loop to write. */
        private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
        private final int maxConnections;
        // The loop thread's own: one read and one write buffer for all its connections.
        private final byte[] input = new byte[2 * maxHead]; // a head cut short (under maxHead) and the next read
        private final ByteBuffer inputBuffer = ByteBuffer.wrap(input);
        private final ByteBuffer output = ByteBuffer.allocateDirect(64 * 1024);
        private int waiting;
        private volatile int open;
        private Thread thread;

        EventLoop(int maxConnections) throws IOException {
            this.maxConnections = maxConnections;
            selector = Selector.open();
            accepting = server.register(selector, SelectionKey.OP_ACCEPT);
        }

        void start(String name) {
            thread = new Thread(this::run, name);
            thread.setDaemon(true); // a loop that failed to stop must not keep the JVM alive
            thread.start();
        }

        void wakeUp() {
            selector.wakeup();
        }

        void join(long millis) {
            try {
                thread.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Before its thread started: the front could not start. */
        void close() {
            closeQuietly(selector);
        }

        private void run() {
            long stopBy = 0;
            long nextSweep = System.nanoTime() + SWEEP_NANOS;
            try {
                while (true) {
                    if (!running && stopBy == 0) {
                        stopBy = System.nanoTime() + STOP_WAIT.toNanos();
                        accepting.cancel();
                        closeQuietly(server);
                    }
                    if (stopBy != 0 && (!answering() || System.nanoTime() - stopBy > 0)) {
                        break;
                    }
                    selector.select(1_000);
                    writeAnswers();
                    for (SelectionKey key : selector.selectedKeys()) {
                        if (key == accepting) {
                            if (key.isValid()) {
                                accept();
                            }
                        } else if (key.isValid()) {
                            ready((Connection) key.attachment());
                        }
                    }
                    selector.selectedKeys().clear();
                    long now = System.nanoTime();
                    if (now - nextSweep > 0) {
                        closeExpired(now);
                        resumeAccepting();
                        nextSweep = now + SWEEP_NANOS;
                    }
                }
            } catch (IOException | RuntimeException e) {
                log.error("tracker.front stopped serving", e);
            } finally {
                for (SelectionKey key : selector.keys()) {
                    closeQuietly(key.channel());
                }
                closeQuietly(selector);
                open = 0;
            }
        }

        /** Whether an answer is still being prepared by a worker or written: stopping waits for those. */
        private boolean answering() {
            if (waiting > 0) {
                return true;
            }
            for (SelectionKey key : selector.keys()) {
                if (key.attachment() instanceof Connection connection && connection.unwritten != null) {
                    return true;
                }
            }
            return false;
        }

        /** What the backlog holds, a bounded batch at a time: selection comes back at once for the rest. */
        private void accept() {
            for (int accepted = 0; accepted < ACCEPT_BATCH; accepted++) {
                if (open >= maxConnections) {
                    pauseAccepting(); // the rest wait in the backlog until a connection closes
                    return;
                }
                SocketChannel channel;
                try {
                    channel = server.accept();
                } catch (IOException e) {
                    // Out of descriptors, or the socket closed by stop(): tried again at the next sweep, not in a spin.
                    log.warn("tracker.front: cannot accept ({}); trying again in a second", e.toString());
                    pauseAccepting();
                    return;
                }
                if (channel == null) {
                    return; // another loop took it
                }
                Connection connection;
                try {
                    channel.configureBlocking(false);
                    InetAddress address = ((InetSocketAddress) channel.getRemoteAddress()).getAddress();
                    connection = new Connection(channel, PeerAddresses.normalize(address));
                    connection.deadline = System.nanoTime() + timeoutNanos;
                    open++;
                } catch (IOException e) {
                    closeQuietly(channel); // reset by the client already: nothing to answer
                    continue;
                }
                // The request has often arrived by now. Answered at once, the connection is closed on the spot: a
                // channel in a selector is only closed at its next select, and the client's close would come first,
                // leaving the TIME_WAIT (and the search for a free port) on the client's side.
                ready(connection);
                if (connection.channel.isOpen() && connection.key == null) {
                    try {
                        interest(connection, SelectionKey.OP_READ);
                    } catch (IOException e) {
                        close(connection);
                    }
                }
            }
        }

        private void pauseAccepting() {
            try {
                accepting.interestOps(0);
            } catch (CancelledKeyException e) {
                // the listening socket was closed by stop()
            }
        }

        private void resumeAccepting() {
            if (running && open < maxConnections) {
                try {
                    accepting.interestOps(SelectionKey.OP_ACCEPT);
                } catch (CancelledKeyException e) {
                    // the listening socket was closed by stop()
                }
            }
        }

        private void ready(Connection connection) {
            try {
                if (connection.unwritten != null) {
                    writeRest(connection);
                } else if (!connection.waiting) {
                    read(connection);
                }
            } catch (IOException e) {
                close(connection); // the client went away
            } catch (RuntimeException e) {
                log.error("Unexpected error on a tracker.front connection", e);
                close(connection);
            }
        }

        private void read(Connection connection) throws IOException {
            if (connection.draining) {
                inputBuffer.clear();
                if (connection.channel.read(inputBuffer) < 0) {
                    close(connection);
                }
                return;
            }
            int kept = 0;
            if (connection.unread != null) {
                kept = connection.unread.length;
                System.arraycopy(connection.unread, 0, input, 0, kept);
                connection.unread = null;
            }
            inputBuffer.limit(input.length).position(kept);
            int read = connection.channel.read(inputBuffer);
            if (read < 0) {
                close(connection);
                return;
            }
            serve(connection, input, 0, kept + read);
        }

        /** Answers the whole requests in {@code buffer[from, to)} in order, and keeps the rest for later. */
        private void serve(Connection connection, byte[] buffer, int from, int to) throws IOException {
            int position = from;
            while (true) {
                while (position < to && (buffer[position] == '\r' || buffer[position] == '\n')) {
                    position++; // empty lines before a request line are ignored (RFC 9112 §2.2)
                }
                if (position == to) {
                    return;
                }
                int end = HttpRequestHead.end(buffer, position, Math.min(to, position + maxHead));
                if (end < 0) {
                    if (to - position >= maxHead) {
                        refuse(connection, 431, "request head too large");
                    } else {
                        connection.unread = Arrays.copyOfRange(buffer, position, to);
                    }
                    return;
                }
                HttpRequestHead head;
                try {
                    head = HttpRequestHead.parse(buffer, position, end);
                } catch (HttpRequestHead.BadRequest e) {
                    refuse(connection, e.status, e.getMessage());
                    return;
                }
                position = end;
                if (!answer(connection, head)) {
                    if (position < to && connection.channel.isOpen()) {
                        connection.unread = Arrays.copyOfRange(buffer, position, to);
                    }
                    return;
                }
            }
        }

        /** Whether the answer is written and the next request may be served. */
        private boolean answer(Connection connection, HttpRequestHead head) throws IOException {
            connection.keepAlive = head.keepAlive() && running;
            ClientRoutes.Route route = ClientRoutes.route(head.path());
            if (route == null) {
                return respond(connection, 404, NOT_A_TRACKER_PATH, head.head());
            }
            InetAddress address = clientAddresses.of(connection.address, head.forwardedFor());
            ClientAnswer answer = endpoints.answer(route, head.query(), address, head.userAgent());
            if (answer instanceof ClientAnswer.Ready ready) {
                return respond(connection, 200, ready.body(), head.head());
            }
            handOff(connection, route, head, (ClientAnswer.MustWait) answer);
            return false;
        }

        private void handOff(Connection connection, ClientRoutes.Route route, HttpRequestHead head,
                             ClientAnswer.MustWait rest) throws IOException {
            connection.waiting = true;
            interest(connection, 0);
            waiting++;
            handedOff.increment();
            workers.execute(() -> { // neither executor refuses: unbounded, and never shut down
                byte[] body = BencodedAnswers.failure("tracker error: please try again later");
                try {
                    body = endpoints.rest(route, rest);
                } finally {
                    answers.add(new Answer(connection, body, head.head()));
                    selector.wakeup();
                }
            });
        }

        private void writeAnswers() {
            for (Answer answer; (answer = answers.poll()) != null; ) {
                Connection connection = answer.connection();
                connection.waiting = false;
                waiting--;
                try {
                    if (respond(connection, 200, answer.body(), answer.headOnly())) {
                        resume(connection);
                    }
                } catch (IOException e) {
                    close(connection);
                } catch (RuntimeException e) {
                    log.error("Unexpected error on a tracker.front connection", e);
                    close(connection);
                }
            }
        }

        /** Serves what the client pipelined meanwhile, then reads again. */
        private void resume(Connection connection) throws IOException {
            interest(connection, SelectionKey.OP_READ);
            byte[] unread = connection.unread;
            if (unread != null) {
                connection.unread = null;
                serve(connection, unread, 0, unread.length);
            }
        }

        private void refuse(Connection connection, int status, String reason) throws IOException {
            meters.counter("tracker.front.refused", "status", Integer.toString(status)).increment();
            connection.keepAlive = false; // the rest of what it sent cannot be trusted to be a request
            connection.draining = true;
            respond(connection, status, BencodedAnswers.failure(reason), false);
        }

        /** Writes the whole answer if the socket takes it; whether the next request may be served. */
        private boolean respond(Connection connection, int status, byte[] body, boolean headOnly) throws IOException {
            ByteBuffer out = body.length + 256 <= output.capacity() ? output.clear()
                    : ByteBuffer.allocate(body.length + 256); // head and answer in one write
            out.put(statusLine(status)).put(LENGTH_HEADER);
            putDecimal(out, body.length);
            out.put(connection.keepAlive ? END_KEEP_ALIVE : END_CLOSE);
            if (!headOnly) {
                out.put(body);
            }
            out.flip();
            connection.channel.write(out);
            if (out.hasRemaining()) {
                connection.unwritten = ByteBuffer.allocate(out.remaining()).put(out).flip();
                interest(connection, SelectionKey.OP_WRITE);
                connection.deadline = System.nanoTime() + timeoutNanos;
                return false;
            }
            return written(connection);
        }

        private void writeRest(Connection connection) throws IOException {
            connection.channel.write(connection.unwritten);
            if (!connection.unwritten.hasRemaining()) {
                connection.unwritten = null;
                if (written(connection)) {
                    resume(connection);
                }
            }
        }

        private boolean written(Connection connection) throws IOException {
            if (connection.draining) {
                connection.channel.shutdownOutput();
                interest(connection, SelectionKey.OP_READ);
                connection.deadline = System.nanoTime() + Math.min(timeoutNanos, LINGER_NANOS);
                return false;
            }
            if (!connection.keepAlive) {
                close(connection);
                return false;
            }
            if (!connection.noDelay) {
                // A connection's first answer leaves at once anyway, and a close pushes out what is queued; the
                // answers after it must not wait for its ACK (setting it also sends what a partial write left).
                connection.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                connection.noDelay = true;
            }
            connection.deadline = System.nanoTime() + timeoutNanos;
            return true;
        }

        private void closeExpired(long now) {
            for (SelectionKey key : selector.keys()) {
                if (key.attachment() instanceof Connection connection && !connection.waiting
                        && now - connection.deadline > 0) {
                    close(connection);
                }
            }
        }

        private void interest(Connection connection, int operations) throws IOException {
            if (connection.key == null) {
                connection.key = connection.channel.register(selector, operations, connection);
            } else {
                connection.key.interestOps(operations);
            }
        }

        private void close(Connection connection) {
            if (!connection.channel.isOpen()) {
                return;
            }
            if (connection.key != null) {
                connection.key.cancel();
                try {
                    // The descriptor is only closed at the next select: the end of the answer goes out now.
                    connection.channel.shutdownOutput();
                } catch (IOException e) {
                    // reset by the client meanwhile: nothing left to send
                }
            }
            closeQuietly(connection.channel);
            open--;
            resumeAccepting();
        }
    }

    private static byte[] statusLine(int status) {
        return switch (status) {
            case 200 -> OK;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 431 -> HEAD_TOO_LARGE;
            default -> BAD_REQUEST;
        };
    }

    private static void putDecimal(ByteBuffer out, int value) {
        if (value >= 10) {
            putDecimal(out, value / 10);
        }
        out.put((byte) ('0' + value % 10));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException e) {
            // closing on the way out: nothing left to tell the client
        }
    }
}
