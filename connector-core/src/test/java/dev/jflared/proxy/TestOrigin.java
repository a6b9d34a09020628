package dev.jflared.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A real HTTP origin on loopback, port 0: Netty's server codec in front of a handler made per connection (or per
 * stream for HTTP/2), optionally behind TLS and an aggregator. Counts accepted connections.
 */
final class TestOrigin implements AutoCloseable {

    final AtomicInteger connections = new AtomicInteger();
    private final Channel server;

    private TestOrigin(Channel server) {
        this.server = server;
    }

    /** HTTP/1.1 in clear; {@code aggregate} puts an aggregator (which also answers 100-continue) before it. */
    static TestOrigin http1(EventLoopGroup group, boolean aggregate, Supplier<ChannelHandler> handler) {
        return start(group, null, false, aggregate, handler, ByteBufAllocator.DEFAULT);
    }

    static TestOrigin http1(EventLoopGroup group, ByteBufAllocator allocator, Supplier<ChannelHandler> handler) {
        return start(group, null, false, false, handler, allocator);
    }

    /** HTTP/1.1 over TLS with {@code tls}. */
    static TestOrigin https1(EventLoopGroup group, SslContext tls, Supplier<ChannelHandler> handler) {
        return start(group, tls, false, true, handler, ByteBufAllocator.DEFAULT);
    }

    /** HTTP/2: over TLS when {@code tls} is given (ALPN h2), else prior-knowledge h2c. */
    static TestOrigin http2(EventLoopGroup group, SslContext tls, Supplier<ChannelHandler> handler) {
        return start(group, tls, true, true, handler, ByteBufAllocator.DEFAULT);
    }

    private static TestOrigin start(EventLoopGroup group, SslContext tls, boolean h2, boolean aggregate,
                                    Supplier<ChannelHandler> handler, ByteBufAllocator allocator) {
        AtomicInteger[] counter = new AtomicInteger[1];
        ChannelInitializer<Channel> init = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                counter[0].incrementAndGet();
                ChannelPipeline p = ch.pipeline();
                if (tls != null) {
                    p.addLast(tls.newHandler(ch.alloc()));
                }
                if (h2) {
                    p.addLast(Http2FrameCodecBuilder.forServer().build());
                    p.addLast(new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel stream) {
                            stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true));
                            if (aggregate) {
                                stream.pipeline().addLast(new HttpObjectAggregator(1 << 20));
                            }
                            stream.pipeline().addLast(handler.get());
                        }
                    }));
                    return;
                }
                p.addLast(new HttpServerCodec());
                if (aggregate) {
                    p.addLast(new HttpObjectAggregator(1 << 20));
                }
                p.addLast(handler.get());
            }
        };
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.ALLOCATOR, allocator)
                .childHandler(init)
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
        TestOrigin origin = new TestOrigin(server);
        counter[0] = origin.connections;
        return origin;
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    String url(String scheme) {
        return scheme + "://127.0.0.1:" + port();
    }

    static boolean isH2(SslHandler ssl) {
        return ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol());
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }
}
