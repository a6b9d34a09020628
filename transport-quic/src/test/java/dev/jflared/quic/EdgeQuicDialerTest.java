package dev.jflared.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jflared.testkit.IssuedCertificate;
import dev.jflared.testkit.TestCertificateAuthority;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EdgeQuicDialerTest {

    private static final TestCertificateAuthority CA = TestCertificateAuthority.create();
    private static final IssuedCertificate EDGE_CERTIFICATE = CA.issueEdgeCertificate();

    private static EventLoopGroup group;

    @BeforeAll
    static void startGroup() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void nativeQuicCodecLoads() {
        Quic.ensureAvailability();

        assertThat(Quic.isAvailable()).isTrue();
    }

    @Test
    void handshakeSendsCloudflaredsServerNameAndAlpn() throws Exception {
        try (TestQuicEdge edge = TestQuicEdge.start(group, EDGE_CERTIFICATE)) {
            EdgeQuicDialer dialer = dialer(new ReleasingHandler());

            QuicChannel quic = dialer.dial(edge.address()).get(10, TimeUnit.SECONDS);

            try {
                assertThat(quic.isActive()).isTrue();
                assertThat(quic.sslEngine().getApplicationProtocol()).isEqualTo("argotunnel");
                assertThat(edge.takeServerName()).isEqualTo("quic.cftunnel.com");
                QuicChannel serverSide = edge.takeConnection();
                assertThat(serverSide).isNotNull();
                assertThat(serverSide.sslEngine().getApplicationProtocol()).isEqualTo("argotunnel");
            } finally {
                quic.close().sync();
            }
        }
    }

    @Test
    void keyExchangeOffersPostQuantumAndP256ButNotPlainX25519() throws Exception {
        assertThat(handshakeSucceedsWithServerGroups("X25519MLKEM768")).isTrue();
        assertThat(handshakeSucceedsWithServerGroups("P-256")).isTrue();
        assertThat(handshakeSucceedsWithServerGroups("X25519")).isFalse();
    }

    @Test
    void edgeCertificateFromAnotherCaFailsTheDialWithACertificateError() throws Exception {
        try (TestQuicEdge edge = TestQuicEdge.start(group, EDGE_CERTIFICATE)) {
            EdgeQuicDialer dialer = EdgeQuicDialer.builder()
                    .eventLoopGroup(group)
                    .trust(TestCertificateAuthority.create("some other CA").trust())
                    .streamHandler(new ReleasingHandler())
                    .build();

            Future<QuicChannel> dial = dialer.dial(edge.address()).await();

            assertThat(dial.isSuccess()).isFalse();
            assertThat(dial.cause()).isInstanceOf(EdgeQuicDialException.class)
                    .hasMessageStartingWith("failed to dial to edge with quic: " + edge.address());
            assertThat(dial.cause().getMessage())
                    .contains("CERTIFICATE_VERIFY_FAILED")
                    .endsWith("(the edge's certificate for quic.cftunnel.com was checked against"
                            + " test CA CN=some other CA)");
        }
    }

    @Test
    void edgeCertificateWithoutTheQuicServerNameIsRejected() throws Exception {
        IssuedCertificate localhostOnly = CA.issueServerCertificate(List.of("localhost", "127.0.0.1"));
        try (TestQuicEdge edge = TestQuicEdge.start(group, localhostOnly)) {
            EdgeQuicDialer dialer = dialer(new ReleasingHandler());

            Future<QuicChannel> dial = dialer.dial(edge.address()).await();

            assertThat(dial.cause()).isInstanceOf(EdgeQuicDialException.class)
                    .hasMessageContaining("CERTIFICATE_VERIFY_FAILED");
        }
    }

    @Test
    void streamOpenedByTheEdgeReachesTheStreamHandlerAndStaysWritableAfterItsFin() throws Exception {
        CompletableFuture<String> receivedByConnector = new CompletableFuture<>();
        CompletableFuture<String> receivedByEdge = new CompletableFuture<>();
        try (TestQuicEdge edge = TestQuicEdge.start(group, EDGE_CERTIFICATE)) {
            EdgeQuicDialer dialer = dialer(new ChannelInitializer<QuicStreamChannel>() {
                @Override
                protected void initChannel(QuicStreamChannel stream) {
                    stream.pipeline().addLast(new ReadUntilFin(receivedByConnector, "pong"));
                }
            });
            QuicChannel quic = dialer.dial(edge.address()).get(10, TimeUnit.SECONDS);
            try {
                QuicChannel serverSide = edge.takeConnection();

                QuicStreamChannel stream = serverSide.newStreamBootstrap()
                        .type(QuicStreamType.BIDIRECTIONAL)
                        .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                        .handler(new ReadUntilFin(receivedByEdge, null))
                        .create()
                        .get(5, TimeUnit.SECONDS);
                stream.writeAndFlush(new DefaultQuicStreamFrame(ascii("ping"), true));

                assertThat(receivedByConnector.get(5, TimeUnit.SECONDS)).isEqualTo("ping");
                assertThat(receivedByEdge.get(5, TimeUnit.SECONDS)).isEqualTo("pong");
            } finally {
                quic.close().sync();
            }
        }
    }

    @Test
    void silentPeerFailsTheDialAfterTheHandshakeTimeout() throws Exception {
        Channel blackHole = new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .handler(new ReleasingHandler())
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
        try {
            EdgeQuicDialer dialer = EdgeQuicDialer.builder()
                    .eventLoopGroup(group)
                    .trust(CA.trust())
                    .streamHandler(new ReleasingHandler())
                    .handshakeTimeout(Duration.ofMillis(300))
                    .build();

            Future<QuicChannel> dial = dialer.dial((InetSocketAddress) blackHole.localAddress()).await();

            assertThat(dial.cause()).isInstanceOf(EdgeQuicDialException.class);
        } finally {
            blackHole.close().sync();
        }
    }

    @Test
    void builderNamesTheMissingSetting() {
        assertThatThrownBy(() -> EdgeQuicDialer.builder().eventLoopGroup(group).trust(CA.trust()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("streamHandler(...) must be called before build()");
    }

    @Test
    void unresolvedAddressIsRejected() {
        EdgeQuicDialer dialer = dialer(new ReleasingHandler());

        assertThatThrownBy(() -> dialer.dial(InetSocketAddress.createUnresolved("region1.v2.argotunnel.com", 7844)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unresolved");
    }

    private static boolean handshakeSucceedsWithServerGroups(String group) throws Exception {
        try (TestQuicEdge edge = TestQuicEdge.startWithGroups(EdgeQuicDialerTest.group, EDGE_CERTIFICATE, group)) {
            Future<QuicChannel> dial = dialer(new ReleasingHandler()).dial(edge.address()).await();
            if (dial.isSuccess()) {
                dial.getNow().close().sync();
            }
            return dial.isSuccess();
        }
    }

    private static EdgeQuicDialer dialer(ChannelHandler streamHandler) {
        return EdgeQuicDialer.builder()
                .eventLoopGroup(group)
                .trust(CA.trust())
                .streamHandler(streamHandler)
                .build();
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    /**
     * Collects a stream's bytes until the peer's FIN, completes {@code received} with them, then, if
     * {@code answer} is set, writes it back with FIN: the stream must still be writable after the input ended.
     */
    private static final class ReadUntilFin extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<String> received;
        private final String answer;
        private final StringBuilder text = new StringBuilder();

        ReadUntilFin(CompletableFuture<String> received, String answer) {
            this.received = received;
            this.answer = answer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof ByteBuf) {
                    text.append(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownReadComplete.INSTANCE) {
                received.complete(text.toString());
                if (answer != null) {
                    ctx.writeAndFlush(new DefaultQuicStreamFrame(ascii(answer), true));
                }
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            received.completeExceptionally(cause);
            ctx.close();
        }
    }

    /** Releases whatever arrives. */
    @ChannelHandler.Sharable
    private static final class ReleasingHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
