package dev.jflared.quic;

import dev.jflared.testkit.IssuedCertificate;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.BoringSSLContextOption;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A QUIC server on loopback that stands in for the edge in the dialer's tests: it presents a testkit certificate,
 * speaks ALPN {@code argotunnel}, records the server names clients ask for and hands out each established
 * connection, on which a test can open streams toward the client.
 */
final class TestQuicEdge implements AutoCloseable {

    private final Channel channel;
    private final BlockingQueue<String> requestedServerNames;
    private final BlockingQueue<QuicChannel> connections;

    private TestQuicEdge(Channel channel, BlockingQueue<String> requestedServerNames,
            BlockingQueue<QuicChannel> connections) {
        this.channel = channel;
        this.requestedServerNames = requestedServerNames;
        this.connections = connections;
    }

    /** Starts an edge that records the server names asked for. */
    static TestQuicEdge start(EventLoopGroup group, IssuedCertificate certificate) throws InterruptedException {
        BlockingQueue<String> names = new LinkedBlockingQueue<>();
        QuicSslContext context = certificate.quicServerSslContextBuilder()
                .applicationProtocols(QuicSettings.APPLICATION_PROTOCOL)
                .build();
        QuicSslContext recordingSni = QuicSslContextBuilder.buildForServerWithSni(name -> {
            if (name != null) {
                names.add(name);
            }
            return context;
        });
        return start(group, recordingSni, names);
    }

    /**
     * Starts an edge that accepts only the key-exchange {@code groups}. It records no server names: a context
     * built with {@code buildForServerWithSni} ignores the groups of the contexts it maps to.
     */
    static TestQuicEdge startWithGroups(EventLoopGroup group, IssuedCertificate certificate, String... groups)
            throws InterruptedException {
        QuicSslContext context = certificate.quicServerSslContextBuilder()
                .applicationProtocols(QuicSettings.APPLICATION_PROTOCOL)
                .option(BoringSSLContextOption.GROUPS, groups)
                .build();
        return start(group, context, new LinkedBlockingQueue<>());
    }

    private static TestQuicEdge start(EventLoopGroup group, QuicSslContext serverContext,
            BlockingQueue<String> names) throws InterruptedException {
        BlockingQueue<QuicChannel> connections = new LinkedBlockingQueue<>();
        ChannelHandler codec = new QuicServerCodecBuilder()
                .sslContext(serverContext)
                .maxIdleTimeout(5, TimeUnit.SECONDS)
                .initialMaxData(1 << 20)
                .initialMaxStreamDataBidirectionalLocal(1 << 16)
                .initialMaxStreamDataBidirectionalRemote(1 << 16)
                .initialMaxStreamsBidirectional(16)
                .tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        connections.add((QuicChannel) ctx.channel());
                        ctx.fireChannelActive();
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        // A failed handshake (what some tests want) ends up here; the client sees it too.
                        ctx.close();
                    }

                    @Override
                    public boolean isSharable() {
                        return true;
                    }
                })
                .streamHandler(new DiscardingHandler())
                .build();
        Channel channel = new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .handler(codec)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
        return new TestQuicEdge(channel, names, connections);
    }

    /** The UDP address clients dial. */
    InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** The next server name (SNI) a client asked for, waiting at most 5 s; null if none came. */
    String takeServerName() throws InterruptedException {
        return requestedServerNames.poll(5, TimeUnit.SECONDS);
    }

    /** The next established connection, waiting at most 5 s; null if none came. */
    QuicChannel takeConnection() throws InterruptedException {
        return connections.poll(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    /** Releases whatever a client-opened stream sends; these tests open none. */
    @ChannelHandler.Sharable
    private static final class DiscardingHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
