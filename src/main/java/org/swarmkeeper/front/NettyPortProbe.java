package org.swarmkeeper.front;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.swarmkeeper.announce.PortProbe;

/**
 * Probes on the event loops of the clients' port: a probe costs a socket and a timer there, no thread. Nothing is
 * written or read; a connection that opens is closed at once.
 */
@Component
public class NettyPortProbe implements PortProbe {

    /**
     * How long after its timeout a probe is answered as not tried: a loop that shuts down meanwhile drops the
     * connect's listener, and the caller counts on an answer.
     */
    private static final long LOST_ANSWER_GRACE_MILLIS = 10_000;

    private final Supplier<? extends EventLoopGroup> loops;
    private final Class<? extends SocketChannel> channelType;

    /** The server is looked up at each probe, not injected: it serves the announces that ask for probes. */
    @Autowired
    NettyPortProbe(ObjectProvider<ClientServer> server) {
        this(() -> server.getObject().loops(), ClientServer.clientChannelType());
    }

    /**
     * Probes on the group {@code loops} supplies (null while there is none) with channels of {@code channelType},
     * which must suit that group's I/O handler.
     */
    public NettyPortProbe(Supplier<? extends EventLoopGroup> loops, Class<? extends SocketChannel> channelType) {
        this.loops = loops;
        this.channelType = channelType;
    }

    @Override
    public CompletableFuture<Boolean> connects(InetSocketAddress target, Duration timeout) {
        EventLoopGroup group = loops.get();
        // An unresolved target would be looked up by name on the event loop, blocking it.
        if (group == null || group.isShuttingDown() || target.isUnresolved()) {
            return CompletableFuture.completedFuture(null);
        }
        int timeoutMillis = Math.clamp(timeout.toMillis(), 1, Integer.MAX_VALUE);
        CompletableFuture<Boolean> opened = new CompletableFuture<Boolean>()
                .completeOnTimeout(null, timeoutMillis + LOST_ANSWER_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        new Bootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(target)
                .addListener((ChannelFutureListener) connect -> {
                    if (connect.isSuccess()) {
                        connect.channel().close();
                    }
                    opened.complete(connect.isSuccess());
                });
        return opened;
    }
}
