package dev.jflared.embed;

import static java.util.Objects.requireNonNull;

import dev.jflared.proxy.InProcessOrigin;
import dev.jflared.proxy.TunnelRequest;
import dev.jflared.proxy.TunnelResponder;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Serves tunnel requests with a Netty HTTP server pipeline of yours, with no port: each request arrives in a
 * channel whose pipeline is a real {@link HttpServerCodec} followed by what your {@code ChannelInitializer} adds,
 * exactly as behind a socket. Your handlers read {@code HttpRequest}, {@code HttpContent} and
 * {@code LastHttpContent} and write {@code HttpResponse}, {@code HttpContent}, {@code LastHttpContent} or a
 * {@code FullHttpResponse}; {@code HttpObjectAggregator}, {@code ChunkedWriteHandler} and
 * {@code WebSocketServerProtocolHandler} work as they do on a socket.
 *
 * <pre>{@code
 * try (NettyHandlerOrigin origin = NettyHandlerOrigin.of(new ChannelInitializer<>() {
 *          protected void initChannel(Channel ch) {
 *              ch.pipeline().addLast(new HttpObjectAggregator(1 << 20), new MyHttpHandler());
 *          }
 *      });
 *      Tunnel tunnel = Tunnel.builder().credentialsFile(file).handler(origin).start()) {
 *     tunnel.awaitReady(Duration.ofSeconds(30));
 *     ...
 * }
 * }</pre>
 *
 * <h2>Design</h2>
 * Each request opens an in-VM {@link LocalChannel} to a {@link LocalServerChannel} of this origin, bound to a
 * unique {@link LocalAddress} (no port, no socket). The tunnel side encodes the request with an
 * {@link HttpClientCodec} and decodes your response with it, so your pipeline meets real HTTP/1.1 framing:
 * keep-alive, chunked bodies, {@code Expect}, and the websocket handshake (which replaces the codec after the
 * 101, after which raw websocket bytes are relayed) behave as on a socket. Encoding costs a little per request
 * but buys exact Netty semantics; an {@code EmbeddedChannel} could not give your handlers a real event loop (for
 * their scheduled tasks and writes from other threads) nor flow control. Netty 4.2's local transport cannot be
 * registered on the NIO loops the edge connections use, so the pair runs on this origin's own loops
 * ({@link Builder#threads}, named {@code jflared-netty-origin-*}), and bytes cross between that loop and the
 * tunnel stream's loop with {@code execute}.
 *
 * <h2>Flow control</h2>
 * {@code LocalChannel} hands flushed data to its peer at once, so by itself a writer never sees it unwritable.
 * This origin keeps a window per direction ({@link Builder#window}): your channel turns unwritable
 * ({@code isWritable()} false, {@code channelWritabilityChanged}) when a window of its output has not been taken
 * by the tunnel stream, which takes it only while the eyeball keeps up; and the request body is read from the
 * tunnel only while less than a window of it is unread by your pipeline (with auto-read off, your
 * {@code read()} calls pace it).
 *
 * <h2>Lifecycle</h2>
 * One channel per request, closed when the response and the request have ended (or, for a websocket, when
 * either side closes). {@link #close()} closes the server channel and stops the loops.
 */
public final class NettyHandlerOrigin implements InProcessOrigin, AutoCloseable {

    /** Bytes per direction per request before the writer is paused, by default. */
    public static final int DEFAULT_WINDOW = 256 * 1024;
    /** Threads of the origin's loops, by default. */
    public static final int DEFAULT_THREADS = 2;

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final EventLoopGroup group;
    private final LocalAddress address;
    private final Channel server;
    private final int window;
    private final Map<SocketAddress, NettyExchange> exchanges = new ConcurrentHashMap<>();

    private NettyHandlerOrigin(Builder builder) {
        this.window = builder.window;
        this.group = new DefaultEventLoopGroup(builder.threads, new DefaultThreadFactory("jflared-netty-origin",
                true));
        this.address = new LocalAddress("jflared-origin-" + UUID.randomUUID());
        ChannelHandler pipeline = builder.pipeline;
        try {
            this.server = new ServerBootstrap()
                    .group(group)
                    .channel(LocalServerChannel.class)
                    .childHandler(new ChannelInitializer<LocalChannel>() {
                        @Override
                        protected void initChannel(LocalChannel ch) {
                            NettyExchange exchange = exchanges.remove(ch.remoteAddress());
                            if (exchange == null) {
                                ch.close();
                                return;
                            }
                            ch.pipeline().addLast("window",
                                    new FlowWindow.Gate(exchange.requestWindow, exchange.responseWindow));
                            ch.pipeline().addLast("http", new HttpServerCodec());
                            ch.pipeline().addLast("app", pipeline);
                        }
                    })
                    .bind(address).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(CLOSE_TIMEOUT.toMillis());
            throw e;
        }
    }

    /** An origin for {@code pipeline} with the default window and threads. */
    public static NettyHandlerOrigin of(ChannelInitializer<? extends Channel> pipeline) {
        return builder(pipeline).build();
    }

    /**
     * A builder for an origin whose request channels get {@code pipeline} after an {@link HttpServerCodec}. It
     * is added to every request channel, so it must be {@code @Sharable}, as every {@code ChannelInitializer} is.
     */
    public static Builder builder(ChannelInitializer<? extends Channel> pipeline) {
        return new Builder(pipeline);
    }

    /** Opens a channel for the request; called on the request's event loop. */
    @Override
    public void serve(TunnelRequest request, TunnelResponder responder) {
        NettyExchange exchange = new NettyExchange(request, responder, window);
        LocalAddress local = new LocalAddress("jflared-request-" + UUID.randomUUID());
        exchanges.put(local, exchange);
        new Bootstrap()
                .group(group)
                .channel(LocalChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        ch.pipeline().addLast("window",
                                new FlowWindow.Gate(exchange.responseWindow, exchange.requestWindow));
                        ch.pipeline().addLast("http", new HttpClientCodec());
                        ch.pipeline().addLast("exchange", exchange);
                    }
                })
                .localAddress(local)
                .connect(address)
                .addListener((ChannelFuture future) -> {
                    if (future.isSuccess()) {
                        exchange.connected(future.channel());
                    } else {
                        exchanges.remove(local);
                        exchange.connectFailed(future.cause());
                    }
                });
    }

    /** Closes the server channel and stops the origin's loops, waiting a bounded time. */
    @Override
    public void close() {
        server.close().awaitUninterruptibly(CLOSE_TIMEOUT.toMillis());
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(CLOSE_TIMEOUT.toMillis());
    }

    /** Configures a {@link NettyHandlerOrigin}. */
    public static final class Builder {

        private final ChannelHandler pipeline;
        private int window = DEFAULT_WINDOW;
        private int threads = DEFAULT_THREADS;

        private Builder(ChannelInitializer<? extends Channel> pipeline) {
            this.pipeline = requireNonNull(pipeline, "pipeline");
        }

        /** Bytes per direction per request before the writer pauses, at least 1024. Default 256 KiB. */
        public Builder window(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("window must be >= 1024: " + bytes);
            }
            this.window = bytes;
            return this;
        }

        /** Threads running the request channels (your handlers). Default {@value #DEFAULT_THREADS}. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1: " + threads);
            }
            this.threads = threads;
            return this;
        }

        public NettyHandlerOrigin build() {
            return new NettyHandlerOrigin(this);
        }
    }
}
