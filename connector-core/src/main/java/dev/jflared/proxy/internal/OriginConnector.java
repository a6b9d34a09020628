package dev.jflared.proxy.internal;

import dev.jflared.ingress.OriginRequestConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.Optional;
import jdk.net.ExtendedSocketOptions;

/**
 * Opens ready-to-use connections to an {@link OriginEndpoint} on a given loop: dialled (happy eyeballs, or a
 * unix socket), tunnelled through the environment's proxy when one applies, TLS-handshaken within
 * {@code tlsTimeout}, and with the HTTP codec installed: {@link #HTTP1_CODEC} for HTTP/1.1, or an HTTP/2 frame
 * codec and multiplexer when HTTP/2 was asked for and agreed (ALPN {@code h2}, or prior knowledge in clear).
 * Connections come back with auto-read off.
 */
public final class OriginConnector {

    /** Name of the HTTP/1.1 client codec in an origin connection's pipeline. */
    public static final String HTTP1_CODEC = "http-codec";

    // Bigger than Netty's 8 KiB default so large bodies move in fewer, larger chunks.
    private static final int MAX_CHUNK_SIZE = 64 * 1024;

    private final ByteBufAllocator allocator;
    private final OriginTls tls;
    private final EnvironmentProxy environmentProxy;

    public OriginConnector(ByteBufAllocator allocator, OriginTls tls, EnvironmentProxy environmentProxy) {
        this.allocator = allocator;
        this.tls = tls;
        this.environmentProxy = environmentProxy;
    }

    /** Connects; the future fails with the dial, proxy or TLS error. Event-loop only. */
    public Future<Channel> connect(OriginEndpoint endpoint, EventLoop loop) {
        Promise<Channel> ready = loop.newPromise();
        Optional<ProxyHandler> proxy = endpoint.isUnix() ? Optional.empty()
                : environmentProxy.handlerFor(endpoint.host(), endpoint.tls());
        Bootstrap bootstrap = bootstrap(endpoint, loop);
        Future<Channel> dialled;
        if (endpoint.isUnix()) {
            dialled = toFuture(bootstrap.connect(OriginChannels.domainAddress(loop, endpoint.unixPath())), loop);
        } else if (proxy.isPresent()) {
            bootstrap.resolver(NoopAddressResolverGroup.INSTANCE).handler(proxy.get());
            dialled = toFuture(bootstrap.connect(
                    InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port())), loop);
            dialled = afterProxy(dialled, proxy.get(), loop);
        } else {
            dialled = OriginDialer.dial(bootstrap, loop, endpoint.host(), endpoint.port(),
                    !endpoint.config().noHappyEyeballs());
        }
        dialled.addListener(f -> {
            if (!f.isSuccess()) {
                ready.tryFailure(f.cause());
                return;
            }
            Channel channel = (Channel) f.getNow();
            try {
                if (endpoint.tls()) {
                    startTls(channel, endpoint, ready);
                } else {
                    installCodec(channel, endpoint.http2(), ready);
                }
            } catch (Exception e) {
                channel.close();
                ready.tryFailure(e);
            }
        });
        return ready;
    }

    private Bootstrap bootstrap(OriginEndpoint endpoint, EventLoop loop) {
        OriginRequestConfig config = endpoint.config();
        Bootstrap bootstrap = new Bootstrap().group(loop)
                .channel(endpoint.isUnix() ? OriginChannels.domainSocket(loop) : OriginChannels.socket(loop))
                .option(ChannelOption.ALLOCATOR, allocator)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        Math.max(1, config.connectTimeout().toMillis())))
                .handler(new ChannelInboundHandlerAdapter());
        if (!endpoint.isUnix()) {
            bootstrap.option(ChannelOption.TCP_NODELAY, true);
            long keepAlive = config.tcpKeepAlive().toSeconds();
            if (keepAlive > 0) {
                bootstrap.option(ChannelOption.SO_KEEPALIVE, true);
                if (OriginChannels.isEpoll(loop)) {
                    bootstrap.option(EpollChannelOption.TCP_KEEPIDLE, (int) keepAlive)
                            .option(EpollChannelOption.TCP_KEEPINTVL, (int) keepAlive);
                } else {
                    bootstrap.option(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), (int) keepAlive)
                            .option(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), (int) keepAlive);
                }
            }
        }
        return bootstrap;
    }

    private static Future<Channel> afterProxy(Future<Channel> connected, ProxyHandler proxy, EventLoop loop) {
        Promise<Channel> tunnelled = loop.newPromise();
        connected.addListener(f -> {
            if (!f.isSuccess()) {
                tunnelled.tryFailure(f.cause());
                return;
            }
            Channel channel = (Channel) f.getNow();
            channel.read();
            proxy.connectFuture().addListener(p -> {
                if (p.isSuccess()) {
                    channel.pipeline().remove(proxy);
                    tunnelled.trySuccess(channel);
                } else {
                    channel.close();
                    tunnelled.tryFailure(p.cause());
                }
            });
        });
        return tunnelled;
    }

    private void startTls(Channel channel, OriginEndpoint endpoint, Promise<Channel> ready) throws Exception {
        SslHandler ssl = tls.context(endpoint.config(), endpoint.http2())
                .newHandler(channel.alloc(), endpoint.serverName(), endpoint.port());
        ssl.setHandshakeTimeoutMillis(Math.max(1, endpoint.config().tlsTimeout().toMillis()));
        channel.pipeline().addLast("tls", ssl);
        ssl.handshakeFuture().addListener(f -> {
            if (!f.isSuccess()) {
                channel.close();
                ready.tryFailure(f.cause());
                return;
            }
            boolean h2 = endpoint.http2() && ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol());
            installCodec(channel, h2, ready);
        });
    }

    private static void installCodec(Channel channel, boolean http2, Promise<Channel> ready) {
        if (http2) {
            channel.pipeline().addLast("h2-codec", Http2FrameCodecBuilder.forClient()
                    .initialSettings(Http2Settings.defaultSettings().pushEnabled(false))
                    .build());
            channel.pipeline().addLast("h2-multiplex", new Http2MultiplexHandler(new RefusePushedStreams()));
            channel.config().setAutoRead(true);
        } else {
            channel.pipeline().addLast(HTTP1_CODEC, new HttpClientCodec(
                    new HttpDecoderConfig().setMaxChunkSize(MAX_CHUNK_SIZE), false, false));
        }
        ready.trySuccess(channel);
    }

    /** True when {@code channel} is an HTTP/2 connection (streams are opened on it, not requests written). */
    public static boolean isHttp2(Channel channel) {
        return channel.pipeline().get(Http2MultiplexHandler.class) != null;
    }

    private static Future<Channel> toFuture(io.netty.channel.ChannelFuture connect, EventLoop loop) {
        Promise<Channel> promise = loop.newPromise();
        connect.addListener(f -> {
            if (f.isSuccess()) {
                promise.trySuccess(connect.channel());
            } else {
                promise.tryFailure(f.cause());
            }
        });
        return promise;
    }

    /** We disable push, so a stream the origin opens is a protocol error: drop whatever it sends. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class RefusePushedStreams extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }
}
