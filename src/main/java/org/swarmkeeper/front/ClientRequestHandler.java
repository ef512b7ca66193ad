package org.swarmkeeper.front;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import org.swarmkeeper.announce.ClientAnswer;
import org.swarmkeeper.front.ClientResponses.Connection;
import org.swarmkeeper.protocol.BencodedAnswers;

/**
 * One connection's requests, answered in the order they came (keep-alive and pipelining): while an answer waits on
 * a worker, the requests after it queue here and the connection reads no more. A connection gets
 * {@code tracker.front.timeout} for each whole request head, counted from its start or from its last answer, and
 * answers it does not read stop its reading: a slow or silent client holds it that long at most.
 */
final class ClientRequestHandler extends ChannelInboundHandlerAdapter {

    private static final byte[] NOT_A_TRACKER_PATH =
            BencodedAnswers.failure("not a tracker URL: use the announce URL from your torrent file");
    private static final byte[] ONLY_GET = BencodedAnswers.failure(ClientRoutes.ONLY_GET);
    private static final byte[] NO_BODIES = BencodedAnswers.failure("tracker requests have no body");
    private static final byte[] MALFORMED = BencodedAnswers.failure("malformed request: the tracker could not read it");
    private static final byte[] TOO_LARGE = BencodedAnswers.failure("request line or headers too large");

    private final ClientServer server;
    private final ArrayDeque<HttpRequest> queued = new ArrayDeque<>();
    private InetAddress socketAddress;
    private boolean fromTrustedProxy;
    private boolean waiting;
    private boolean closing;
    private int served;
    private ScheduledFuture<?> deadline;

    ClientRequestHandler(ClientServer server) {
        this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        socketAddress = ctx.channel().attr(ConnectionLimits.ADDRESS).get();
        fromTrustedProxy = ctx.channel().attr(ConnectionLimits.TRUSTED_PROXY).get() != null;
        awaitNextRequest(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelDeadline();
        super.channelInactive(ctx);
    }

    /** Answers the client does not read stop reading its requests until it does. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable() && !waiting);
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        try {
            if (message instanceof HttpRequest request && !closing) {
                cancelDeadline();
                if (waiting) {
                    queued.add(request);
                } else {
                    serve(ctx, request);
                    awaitNextRequest(ctx);
                }
            }
        } finally {
            ReferenceCountUtil.release(message); // request bodies are refused, never read
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset or a TLS failure: nothing to answer
    }

    private void serve(ChannelHandlerContext ctx, HttpRequest request) {
        served++;
        boolean keepAlive = HttpUtil.isKeepAlive(request) && server.isRunning()
                && served < server.properties().maxRequestsPerConnection();
        boolean head = request.method().equals(HttpMethod.HEAD);
        if (request.decoderResult().isFailure()) {
            boolean tooLong = request.decoderResult().cause() instanceof TooLongFrameException;
            respond(ctx, request, tooLong ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST, tooLong ? TOO_LARGE : MALFORMED, false, false);
            return;
        }
        // a body is never read: the connection cannot be read on past it, so it closes after the answer
        boolean body = HttpUtil.getContentLength(request, 0L) > 0 || HttpUtil.isTransferEncodingChunked(request);
        if (!(head || request.method().equals(HttpMethod.GET))) {
            respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, ONLY_GET, keepAlive && !body, false);
            return;
        }
        if (body) {
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST, NO_BODIES, false, head);
            return;
        }
        String uri = request.uri();
        int query = uri.indexOf('?');
        ClientRoutes.Route route = ClientRoutes.route(query < 0 ? uri : uri.substring(0, query));
        if (route == null) {
            respond(ctx, request, HttpResponseStatus.NOT_FOUND, NOT_A_TRACKER_PATH, keepAlive, head);
            return;
        }
        InetAddress client = fromTrustedProxy
                ? server.addresses().forwarded(socketAddress, request.headers().getAll("X-Forwarded-For"))
                : socketAddress;
        ClientAnswer answer = server.routes().answer(route, query < 0 ? null : uri.substring(query + 1), client,
                request.headers().get(HttpHeaderNames.USER_AGENT));
        switch (answer) {
            case ClientAnswer.Ready ready -> respond(ctx, request, HttpResponseStatus.OK, ready.body(), keepAlive, head);
            case ClientAnswer.MustWait rest -> handOff(ctx, request, route, rest, keepAlive, head);
        }
    }

    /** Reads stop until the answer is written, so that pipelined requests are answered in order. */
    private void handOff(ChannelHandlerContext ctx, HttpRequest request, ClientRoutes.Route route,
                         ClientAnswer.MustWait rest, boolean keepAlive, boolean head) {
        waiting = true;
        ctx.channel().config().setAutoRead(false);
        boolean taken = server.handOff(() -> server.routes().body(route, rest.rest()), ctx.executor(), body -> {
            waiting = false;
            if (ctx.channel().isActive()) {
                respond(ctx, request, HttpResponseStatus.OK, body, keepAlive, head);
            } else {
                queued.clear(); // the client has gone: what it pipelined is not served
            }
        }, () -> {
            if (ctx.channel().isActive()) {
                ctx.channel().config().setAutoRead(ctx.channel().isWritable());
                serveQueued(ctx);
                awaitNextRequest(ctx);
            }
        }, ctx::close);
        if (!taken) {
            waiting = false;
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
            respond(ctx, request, HttpResponseStatus.OK, server.routes().body(route, rest.unrecorded()), keepAlive, head);
        }
    }

    /** The next request's head must be whole within the timeout, unless one is being answered on a worker. */
    private void awaitNextRequest(ChannelHandlerContext ctx) {
        if (!waiting && !closing && deadline == null) {
            deadline = ctx.executor().schedule(() -> {
                deadline = null;
                ctx.close();
            }, server.properties().timeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void serveQueued(ChannelHandlerContext ctx) {
        while (!waiting && !closing && !queued.isEmpty()) {
            serve(ctx, queued.poll());
        }
    }

    private void respond(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status, byte[] body,
                         boolean keepAlive, boolean head) {
        if (closing) {
            return;
        }
        if (status != HttpResponseStatus.OK) {
            server.refused(status);
        }
        if (!keepAlive) {
            closing = true;
            queued.clear();
            ctx.writeAndFlush(ClientResponses.encode(ctx.alloc(), status, body, !head, Connection.CLOSE))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        Connection connection = request.protocolVersion().equals(HttpVersion.HTTP_1_0) ? Connection.KEEP_ALIVE
                : Connection.KEEP_ALIVE_DEFAULT;
        ctx.writeAndFlush(ClientResponses.encode(ctx.alloc(), status, body, !head, connection));
    }
}
