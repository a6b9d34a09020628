package dev.jflared.testkit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;

/**
 * The eyeball port: plain HTTP/1.1 whose requests go through the tunnel, plus the {@code /_edge/} admin endpoints.
 * Each accepted connection's pipeline is {@code http} ({@link HttpServerCodec}) then {@code eyeball}
 * ({@link EyeballHandler}); auto-read is off so the eyeball is read only as fast as the tunnel takes its bytes.
 */
final class EyeballServer {

    static final String HTTP_CODEC = "http";

    private EyeballServer() {}

    static ChannelFuture bind(EventLoopGroup group, InetSocketAddress address, EdgeState state,
            AdminEndpoints admin) {
        return new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline()
                                .addLast(HTTP_CODEC, new HttpServerCodec())
                                .addLast("eyeball", new EyeballHandler(state, admin));
                    }
                })
                .bind(address);
    }
}
