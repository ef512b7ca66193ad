package org.swarmkeeper.front;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import org.swarmkeeper.protocol.PeerAddresses;

/**
 * Caps open connections, in all and per address (trusted proxies excepted: every client behind one shares its
 * address). A connection over a cap is closed before anything is read from it.
 */
@ChannelHandler.Sharable
final class ConnectionLimits extends ChannelInboundHandlerAdapter {

    /** The peer's address, normalized once per connection for the handlers after this one. */
    static final AttributeKey<InetAddress> ADDRESS = AttributeKey.valueOf("socket-address");
    /**
     * Set when that address is a trusted proxy's, whose {@code X-Forwarded-For} names the client; its connections
     * do not count against the per-address cap.
     */
    static final AttributeKey<Boolean> TRUSTED_PROXY = AttributeKey.valueOf("trusted-proxy");
    private static final AttributeKey<Boolean> CONNECTED = AttributeKey.valueOf("connected");

    private final int maxConnections;
    private final int maxPerAddress;
    private final ClientAddresses addresses;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    ConnectionLimits(int maxConnections, int maxPerAddress, ClientAddresses addresses) {
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
        this.addresses = addresses;
    }

    int open() {
        return open.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetAddress address = PeerAddresses.normalize(((InetSocketAddress) ctx.channel().remoteAddress()).getAddress());
        ctx.channel().attr(ADDRESS).set(address);
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            ctx.close();
            return;
        }
        if (addresses.trustedProxy(address)) {
            ctx.channel().attr(TRUSTED_PROXY).set(Boolean.TRUE);
        } else {
            AtomicInteger fromAddress = perAddress.computeIfAbsent(address, any -> new AtomicInteger());
            if (fromAddress.incrementAndGet() > maxPerAddress) {
                release(address);
                open.decrementAndGet();
                ctx.close();
                return;
            }
        }
        ctx.channel().attr(CONNECTED).set(Boolean.TRUE);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().attr(CONNECTED).getAndSet(null) != null) {
            open.decrementAndGet();
            if (ctx.channel().attr(TRUSTED_PROXY).get() == null) {
                release(ctx.channel().attr(ADDRESS).get());
            }
        }
        super.channelInactive(ctx);
    }

    /** One connection from {@code address} fewer; its entry goes when it reaches none. */
    private void release(InetAddress address) {
        perAddress.computeIfPresent(address, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
}
