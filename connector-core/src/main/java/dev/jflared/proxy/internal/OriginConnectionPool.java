package dev.jflared.proxy.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * The origin connections of one {@link OriginEndpoint} on one event loop; confined to that loop, so it needs no
 * locks. Pools are per loop because a request's origin channel must live on the edge stream's loop: with N loops an
 * endpoint may keep up to N times {@code keepAliveConnections} idle connections (Go's single pool keeps that many
 * in all).
 *
 * <h2>HTTP/1.1</h2>
 * A released connection waits idle, at most {@code keepAliveConnections} of them ({@code 0} keeps Go's default
 * of 2) and each at most {@code keepAliveTimeout}. While idle it reads, so an origin that closes it is noticed and
 * it leaves the pool; a byte arriving unasked closes it too. The newest idle connection is reused first.
 *
 * <h2>HTTP/2</h2>
 * One connection is shared by every request, each on its own stream; a new one is dialled when it closes.
 */
public final class OriginConnectionPool {

    private static final String IDLE_HANDLER = "idle";
    // Go's http.DefaultMaxIdleConnsPerHost, which applies when MaxIdleConnsPerHost is 0.
    private static final int GO_DEFAULT_IDLE_PER_HOST = 2;

    private final OriginEndpoint endpoint;
    private final EventLoop loop;
    private final OriginConnector connector;
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private Future<Channel> http2Connection;
    // Set when ALPN chose http/1.1 although h2 was offered: the endpoint is then served like an HTTP/1.1 one.
    private boolean http1Fallback;
    private boolean closed;

    OriginConnectionPool(OriginEndpoint endpoint, EventLoop loop, OriginConnector connector) {
        this.endpoint = endpoint;
        this.loop = loop;
        this.connector = connector;
    }

    /** A channel for one request: see {@link Lease}. {@code fresh} skips idle connections. Event-loop only. */
    public Future<Lease> acquire(boolean fresh) {
        assert loop.inEventLoop();
        Promise<Lease> lease = loop.newPromise();
        if (!fresh) {
            Channel reused = pollIdle();
            if (reused != null) {
                return lease.setSuccess(new Lease(reused, true, false));
            }
        }
        if (endpoint.http2() && !http1Fallback) {
            return openStream(lease);
        }
        connector.connect(endpoint, loop).addListener(f -> {
            if (!f.isSuccess()) {
                lease.tryFailure(f.cause());
                return;
            }
            lease.trySuccess(new Lease((Channel) f.getNow(), false, false));
        });
        return lease;
    }

    /** Takes back a leased HTTP/1.1 connection: kept idle if {@code reusable}, closed otherwise. Event-loop only. */
    public void release(Channel channel, boolean reusable) {
        assert loop.inEventLoop();
        int limit = endpoint.config().keepAliveConnections() == 0
                ? GO_DEFAULT_IDLE_PER_HOST : endpoint.config().keepAliveConnections();
        if (!reusable || closed || !channel.isActive() || idle.size() >= limit) {
            channel.close();
            return;
        }
        IdleHandler handler = new IdleHandler(channel);
        channel.pipeline().addLast(IDLE_HANDLER, handler);
        idle.push(channel);
        channel.config().setAutoRead(true);
    }

    /** Closes every idle connection and the shared HTTP/2 one; leased channels close when released. */
    public void close() {
        assert loop.inEventLoop();
        closed = true;
        for (Iterator<Channel> it = idle.iterator(); it.hasNext(); ) {
            Channel channel = it.next();
            it.remove();
            channel.close();
        }
        if (http2Connection != null && http2Connection.isSuccess()) {
            http2Connection.getNow().close();
        }
    }

    int idleCount() {
        return idle.size();
    }

    private Channel pollIdle() {
        Channel channel;
        while ((channel = idle.poll()) != null) {
            channel.config().setAutoRead(false);
            IdleHandler handler = (IdleHandler) channel.pipeline().get(IDLE_HANDLER);
            if (handler != null) {
                handler.expiry.cancel(false);
                channel.pipeline().remove(handler);
            }
            if (channel.isActive()) {
                return channel;
            }
            channel.close();
        }
        return null;
    }

    private Future<Lease> openStream(Promise<Lease> lease) {
        if (http2Connection == null || (http2Connection.isDone()
                && (!http2Connection.isSuccess() || !http2Connection.getNow().isActive()))) {
            Future<Channel> connecting = connector.connect(endpoint, loop);
            http2Connection = connecting;
            connecting.addListener(f -> {
                if (f.isSuccess()) {
                    Channel parent = (Channel) f.getNow();
                    parent.closeFuture().addListener(c -> {
                        if (http2Connection == connecting) {
                            http2Connection = null;
                        }
                    });
                }
            });
        }
        boolean reused = http2Connection.isDone();
        http2Connection.addListener(f -> {
            if (!f.isSuccess()) {
                lease.tryFailure(f.cause());
                return;
            }
            Channel parent = (Channel) f.getNow();
            if (!OriginConnector.isHttp2(parent)) {
                http1Fallback = true;
                http2Connection = null;
                lease.trySuccess(new Lease(parent, false, false));
                return;
            }
            Future<Http2StreamChannel> stream = new Http2StreamChannelBootstrap(parent)
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new ChannelInboundHandlerAdapter())
                    .open();
            stream.addListener(s -> {
                if (s.isSuccess()) {
                    lease.trySuccess(new Lease((Channel) s.getNow(), reused, true));
                } else {
                    lease.tryFailure(s.cause());
                }
            });
        });
        return lease;
    }

    /**
     * A channel leased for one request.
     *
     * @param channel an HTTP/1.1 connection, or an HTTP/2 stream channel when {@code stream}
     * @param reused whether the connection carried requests before (a stale one may be retried)
     * @param stream whether this is an HTTP/2 stream: close it when done instead of releasing it
     */
    public record Lease(Channel channel, boolean reused, boolean stream) {}

    /** Watches an idle connection: the origin closing it, or sending what nobody asked for. */
    private final class IdleHandler extends ChannelInboundHandlerAdapter {

        private final ScheduledFuture<?> expiry;

        IdleHandler(Channel channel) {
            this.expiry = loop.schedule(() -> {
                idle.remove(channel);
                channel.close();
            }, endpoint.config().keepAliveTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            idle.remove(ctx.channel());
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            expiry.cancel(false);
            idle.remove(ctx.channel());
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            idle.remove(ctx.channel());
            ctx.close();
        }
    }
}
