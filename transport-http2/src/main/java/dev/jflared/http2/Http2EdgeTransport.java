package dev.jflared.http2;

import static java.util.Objects.requireNonNull;

import dev.jflared.edge.EdgeTrust;
import dev.jflared.transport.EdgeConnectRequest;
import dev.jflared.transport.EdgeConnection;
import dev.jflared.transport.EdgeTransport;
import dev.jflared.transport.Protocol;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;

/**
 * Connects to the edge over HTTP/2: TCP, then TLS with SNI {@code h2.cftunnel.com}, no ALPN offered (as
 * cloudflared, golden {@code http2/raw/http2-conn1/index.txt}), TLS 1.3 or 1.2, the edge's certificate checked
 * against {@link EdgeTrust} and for the name {@code h2.cftunnel.com}; then the connection serves as the HTTP/2
 * server until the edge's control stream has registered it. See {@link Http2EdgeConnection}.
 *
 * <pre>{@code
 * EdgeTransport http2 = EdgeTransports.load(classLoader).require(Protocol.HTTP2);
 * http2.connect(new EdgeConnectRequest(0, address, trust, registration, services, group, Duration.ofSeconds(15)))
 *         .thenAccept(connection -> log(connection.details()));
 * }</pre>
 *
 * Found through {@link java.util.ServiceLoader}; holds no per-connection state and is thread-safe.
 */
public final class Http2EdgeTransport implements EdgeTransport {

    public Http2EdgeTransport() {}

    @Override
    public Protocol protocol() {
        return Protocol.HTTP2;
    }

    @Override
    public CompletableFuture<EdgeConnection> connect(EdgeConnectRequest request) {
        requireNonNull(request, "request");
        SslContext tls;
        try {
            tls = sslContext(request.trust());
        } catch (SSLException e) {
            return CompletableFuture.failedFuture(e);
        }
        EventLoop loop = request.eventLoopGroup().next();
        long timeoutMillis = Math.max(1, request.registrationTimeout().toMillis());
        int port = request.address().socketAddress().getPort();
        ChannelFuture connecting = new Bootstrap()
                .group(loop)
                .channelFactory(socketChannelFactory(loop))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        SslHandler handler = tls.newHandler(channel.alloc(), Http2Wire.SERVER_NAME, port);
                        handler.setHandshakeTimeoutMillis(timeoutMillis);
                        channel.pipeline().addLast("tls", handler);
                    }
                })
                .connect(request.address().socketAddress());
        return Http2EdgeConnection.start(request, connecting);
    }

    private static SslContext sslContext(EdgeTrust trust) throws SSLException {
        // No applicationProtocolConfig: cloudflared offers no ALPN, and the edge expects none.
        return SslContextBuilder.forClient()
                .trustManager(trust.trustManagerFactory())
                .protocols("TLSv1.3", "TLSv1.2")
                .endpointIdentificationAlgorithm("HTTPS")
                .build();
    }

    /** The socket type that registers on {@code loop}: epoll on an epoll loop, else NIO. */
    private static ChannelFactory<Channel> socketChannelFactory(EventLoop loop) {
        if (loop instanceof IoEventLoop io && Epoll.isAvailable() && io.isIoType(EpollIoHandler.class)) {
            return EpollSocketChannel::new;
        }
        if (loop instanceof IoEventLoop io && io.isIoType(NioIoHandler.class)) {
            return NioSocketChannel::new;
        }
        throw new IllegalArgumentException("the edge connection needs an epoll or NIO event loop, not " + loop);
    }
}
