package dev.jflared.testkit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds one TCP port that speaks HTTP/2 as the edge does (shared/protocol/NOTES.md "TLS to the edge"): TLS with no
 * ALPN, then HTTP/2 with the edge as the client of the connection the connector dialled. Each connection becomes
 * an {@link Http2EdgeSession} once its TLS handshake is done.
 *
 * <p>Pipeline of a connection: {@code tls}, then {@code h2} (frame codec), {@code streams} (multiplexer, which
 * closes any stream the connector would open) and {@code session}.
 */
final class Http2EdgeListener {

    private static final Logger logger = LoggerFactory.getLogger(Http2EdgeListener.class);

    /**
     * For a stream the connector opens: none is expected (it is the HTTP/2 server and push is disabled in our
     * SETTINGS), so one is closed at once, which resets it.
     */
    private static final ChannelHandler REFUSE_STREAM = new ChannelInitializer<Channel>() {
        @Override
        protected void initChannel(Channel stream) {
            logger.debug("{} closing a stream the connector opened", stream);
            stream.close();
        }
    };

    private Http2EdgeListener() {}

    /** Binds {@code address}; the future completes with the server channel. */
    static ChannelFuture bind(EventLoopGroup group, InetSocketAddress address, SslContext sslContext,
            EdgeState state) {
        return new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        SslHandler tls = sslContext.newHandler(channel.alloc());
                        channel.pipeline().addLast("tls", tls);
                        tls.handshakeFuture().addListener(f -> {
                            if (!f.isSuccess()) {
                                logger.debug("{} TLS handshake failed", channel, f.cause());
                                channel.close();
                                return;
                            }
                            channel.pipeline()
                                    .addLast("h2", Http2FrameCodecBuilder.forClient()
                                            .initialSettings(Http2Edge.settings())
                                            .build())
                                    .addLast("streams", new Http2MultiplexHandler(REFUSE_STREAM))
                                    .addLast("session", new Http2EdgeSession(state,
                                            (InetSocketAddress) channel.localAddress()));
                        });
                    }
                })
                .bind(address);
    }
}
