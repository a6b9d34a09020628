package dev.jflared.testkit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Binds one UDP port that speaks QUIC as the edge does: ALPN {@code argotunnel}, the connector opens the control
 * stream, the edge opens every other stream. Each connection becomes a {@link QuicEdgeSession}.
 */
final class QuicEdgeListener {

    /** Far above what any test opens; cloudflared's own limit is quic-go's maximum (quic/constants.go). */
    private static final long MAX_STREAMS = 1L << 20;
    /** Receive windows as cloudflared's maxima (30 MiB per connection, 6 MiB per stream; transport-quic). */
    private static final long CONNECTION_WINDOW = 30L << 20;
    private static final long STREAM_WINDOW = 6L << 20;
    /** The connector's own idle timeout (5 s in cloudflared) governs; ours only needs to be no shorter. */
    private static final long IDLE_TIMEOUT_SECONDS = 30;
    /** A flow-control window's worth of datagrams must fit, or loopback drops them (the kernel caps it). */
    private static final int UDP_SOCKET_BUFFER = 4 << 20;
    private static final int DATAGRAM_QUEUE = 1024;

    private QuicEdgeListener() {}

    /** Binds {@code address}; the future completes with the UDP channel. */
    static ChannelFuture bind(EventLoopGroup group, InetSocketAddress address, QuicSslContext sslContext,
            EdgeState state) {
        ChannelHandler codec = new QuicServerCodecBuilder()
                .sslContext(sslContext)
                .tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                .maxIdleTimeout(IDLE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .initialMaxData(CONNECTION_WINDOW)
                .initialMaxStreamDataBidirectionalLocal(STREAM_WINDOW)
                .initialMaxStreamDataBidirectionalRemote(STREAM_WINDOW)
                .initialMaxStreamDataUnidirectional(STREAM_WINDOW)
                .initialMaxStreamsBidirectional(MAX_STREAMS)
                .initialMaxStreamsUnidirectional(MAX_STREAMS)
                .datagram(DATAGRAM_QUEUE, DATAGRAM_QUEUE)
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel quic) {
                        quic.pipeline().addLast("session", new QuicEdgeSession(state, address));
                    }
                })
                .streamOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel stream) {
                        QuicEdgeSession session = stream.parent().pipeline().get(QuicEdgeSession.class);
                        if (session == null) {
                            stream.close();
                        } else {
                            session.onConnectorStream(stream);
                        }
                    }
                })
                .build();
        return new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, UDP_SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, UDP_SOCKET_BUFFER)
                .handler(codec)
                .bind(address);
    }

    /** The bound address of a listener channel. */
    static InetSocketAddress localAddress(Channel channel) {
        return (InetSocketAddress) channel.localAddress();
    }
}
