package dev.jflared.testkit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.BoringSSLContextOption;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A QUIC connector that says nothing of its own: it dials a {@link LocalEdge} as cloudflared does, opens the control
 * stream (stream 0) and hands every stream the edge opens to the test as a {@link ReplayedStream}. The test writes
 * cloudflared's captured bytes (shared/golden/quic) on them, so the edge is served exactly what cloudflared said.
 *
 * <h2>Dialling as cloudflared</h2>
 * SNI {@code quic.cftunnel.com}, ALPN {@code argotunnel}, the edge's CA as the only trust, key exchange
 * {@code X25519MLKEM768} then {@code P-256}, quic-go's stream limit and cloudflared's receive windows, datagrams on
 * (transport-quic's {@code QuicSettings} cites the sources; transport-quic cannot be used here, it depends on this
 * module). One difference: cloudflared advertises a 5 s idle timeout and keeps the connection alive with QUIC PINGs,
 * which Netty's codec cannot send; 30 s keeps a replay on a loaded machine from idling out instead.
 */
final class ReplayingConnector implements AutoCloseable {

    private static final String SERVER_NAME = "quic.cftunnel.com";
    private static final String[] KEY_EXCHANGE_GROUPS = {"X25519MLKEM768", "P-256"};

    final QuicChannel quic;
    final ReplayedStream control;
    private final BlockingQueue<ReplayedStream> edgeStreams;

    private ReplayingConnector(QuicChannel quic, ReplayedStream control, BlockingQueue<ReplayedStream> edgeStreams) {
        this.quic = quic;
        this.control = control;
        this.edgeStreams = edgeStreams;
    }

    static ReplayingConnector dial(EventLoopGroup group, LocalEdge edge) throws Exception {
        InetSocketAddress address = edge.connectorAddresses().get(0);
        QuicSslContext ssl = QuicSslContextBuilder.forClient()
                .trustManager(edge.caFile().toFile())
                .endpointIdentificationAlgorithm("HTTPS")
                .applicationProtocols("argotunnel")
                .option(BoringSSLContextOption.GROUPS, KEY_EXCHANGE_GROUPS)
                .build();
        Channel udp = new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .handler(new QuicClientCodecBuilder()
                        .sslEngineProvider(q -> ssl.newEngine(q.alloc(), SERVER_NAME, address.getPort()))
                        .maxIdleTimeout(30, TimeUnit.SECONDS)
                        .maxSendUdpPayloadSize(1232)
                        .initialMaxData(30L << 20)
                        .initialMaxStreamDataBidirectionalLocal(6L << 20)
                        .initialMaxStreamDataBidirectionalRemote(6L << 20)
                        .initialMaxStreamDataUnidirectional(6L << 20)
                        .initialMaxStreamsBidirectional(1L << 60)
                        .initialMaxStreamsUnidirectional(1L << 60)
                        .datagram(16, 16)
                        .build())
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
        BlockingQueue<ReplayedStream> edgeStreams = new LinkedBlockingQueue<>();
        QuicChannel quic;
        try {
            quic = QuicChannel.newBootstrap(udp)
                    .handler(new DatagramDropper())
                    .streamOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                        @Override
                        protected void initChannel(QuicStreamChannel stream) {
                            ReplayedStream replayed = new ReplayedStream();
                            stream.pipeline().addLast(replayed);
                            edgeStreams.add(replayed);
                        }
                    })
                    .remoteAddress(address)
                    .connect()
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            udp.close().sync();
            throw e;
        }
        quic.closeFuture().addListener(f -> udp.close());
        ReplayedStream control = new ReplayedStream();
        quic.newStreamBootstrap()
                .type(QuicStreamType.BIDIRECTIONAL)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(control)
                .create()
                .get(10, TimeUnit.SECONDS);
        return new ReplayingConnector(quic, control, edgeStreams);
    }

    /** The next stream the edge opened, waiting at most {@link ReplayedStream#WAIT}. */
    ReplayedStream takeEdgeStream() throws InterruptedException {
        ReplayedStream stream = edgeStreams.poll(ReplayedStream.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (stream == null) {
            throw new AssertionError("the edge opened no stream within " + ReplayedStream.WAIT);
        }
        return stream;
    }

    /** The ALPN protocol the TLS handshake agreed on. */
    String applicationProtocol() {
        return quic.sslEngine().getApplicationProtocol();
    }

    @Override
    public void close() throws Exception {
        quic.close().get(10, TimeUnit.SECONDS);
    }

    /** Releases received datagrams (no private networking here) and passes new streams on to be accepted. */
    private static final class DatagramDropper extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf datagram) {
                datagram.release();
            } else {
                ctx.fireChannelRead(msg);
            }
        }
    }
}
