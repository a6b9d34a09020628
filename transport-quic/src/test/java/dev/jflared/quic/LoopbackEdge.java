package dev.jflared.quic;

import dev.jflared.rpc.CapabilityServer;
import dev.jflared.rpc.RpcCall;
import dev.jflared.rpc.RpcConnection;
import dev.jflared.rpc.framing.CapnpFrameEncoder;
import dev.jflared.rpc.framing.CapnpMessage;
import dev.jflared.rpc.message.Message;
import dev.jflared.rpc.schema.ConnectRequest;
import dev.jflared.rpc.schema.ConnectResponse;
import dev.jflared.rpc.schema.ConnectionDetails;
import dev.jflared.rpc.schema.ConnectionError;
import dev.jflared.rpc.schema.ConnectionResponse;
import dev.jflared.rpc.schema.EmptyStruct;
import dev.jflared.rpc.schema.QuicStreamSignatures;
import dev.jflared.rpc.schema.RegisterConnectionParams;
import dev.jflared.rpc.schema.RegisterConnectionResults;
import dev.jflared.rpc.schema.TunnelAuth;
import dev.jflared.rpc.schema.TunnelRpcIds;
import dev.jflared.rpc.schema.UpdateConfigurationParams;
import dev.jflared.rpc.schema.UpdateConfigurationResponse;
import dev.jflared.rpc.schema.UpdateConfigurationResults;
import dev.jflared.rpc.schema.UpdateLocalConfigurationParams;
import dev.jflared.testkit.IssuedCertificate;
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
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.capnproto.Serialize;

/**
 * A small stand-in for the edge over loopback QUIC, for the transport's end-to-end tests: it serves
 * {@code RegistrationServer} on the stream the connector opens (accepting only the expected secret), records what
 * the connector registered and when it unregistered, counts the control stream's {@code Bootstrap} messages (the
 * keep-alive's among them), and opens data and RPC streams toward the connector.
 */
final class LoopbackEdge implements AutoCloseable {

    static final String LOCATION = "TST";

    private final Channel channel;
    private final byte[] expectedSecret;
    final BlockingQueue<QuicChannel> connections = new LinkedBlockingQueue<>();
    final BlockingQueue<RegisterConnectionParams> registrations = new LinkedBlockingQueue<>();
    final BlockingQueue<String> localConfigurations = new LinkedBlockingQueue<>();
    final BlockingQueue<String> unregistrations = new LinkedBlockingQueue<>();
    /** One permit per {@code Bootstrap} a control stream sent: the registration's, then the keep-alive's. */
    final Semaphore bootstraps = new Semaphore(0);
    /** When set, registrations are recorded but never answered. */
    volatile boolean silent;

    private LoopbackEdge(EventLoopGroup group, IssuedCertificate certificate, byte[] expectedSecret)
            throws InterruptedException {
        this.expectedSecret = expectedSecret.clone();
        QuicSslContext context = certificate.quicServerSslContextBuilder()
                .applicationProtocols(QuicSettings.APPLICATION_PROTOCOL)
                .build();
        CapabilityServer registrationServer = CapabilityServer.builder()
                .method(TunnelRpcIds.REGISTRATION_SERVER, TunnelRpcIds.REGISTER_CONNECTION, this::register)
                .method(TunnelRpcIds.REGISTRATION_SERVER, TunnelRpcIds.UNREGISTER_CONNECTION, call -> {
                    unregistrations.add("unregisterConnection");
                    EmptyStruct.write(call.results());
                    return CompletableFuture.completedFuture(null);
                })
                .method(TunnelRpcIds.REGISTRATION_SERVER, TunnelRpcIds.UPDATE_LOCAL_CONFIGURATION, call -> {
                    localConfigurations.add(UpdateLocalConfigurationParams.read(call.params()).config());
                    EmptyStruct.write(call.results());
                    return CompletableFuture.completedFuture(null);
                })
                .build();
        ChannelHandler codec = new QuicServerCodecBuilder()
                .sslContext(context)
                .maxIdleTimeout(5, TimeUnit.SECONDS)
                .initialMaxData(64L << 20)
                .initialMaxStreamDataBidirectionalLocal(4L << 20)
                .initialMaxStreamDataBidirectionalRemote(4L << 20)
                .initialMaxStreamsBidirectional(16)
                .tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        connections.add((QuicChannel) ctx.channel());
                        ctx.fireChannelActive();
                    }

                    @Override
                    public boolean isSharable() {
                        return true;
                    }
                })
                .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel stream) {
                        RpcConnection.server(stream, registrationServer);
                        stream.pipeline().addAfter("capnp-decoder", "bootstrap-counter", new BootstrapCounter());
                    }
                })
                .build();
        this.channel = new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .handler(codec)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
    }

    /** Starts an edge that accepts registrations with {@code expectedSecret} only. */
    static LoopbackEdge start(EventLoopGroup group, IssuedCertificate certificate, byte[] expectedSecret)
            throws InterruptedException {
        return new LoopbackEdge(group, certificate, expectedSecret);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** The next connection a connector made, waiting at most 5 s. */
    QuicChannel takeConnection() throws InterruptedException {
        QuicChannel connection = connections.poll(5, TimeUnit.SECONDS);
        if (connection == null) {
            throw new AssertionError("no connector connected within 5 s");
        }
        return connection;
    }

    /**
     * Opens a data stream toward the connector and sends the preamble, {@code request}, {@code body}, then a FIN
     * when {@code fin}. The exchange completes when the connector's answer ended with its FIN.
     */
    static Exchange openDataStream(QuicChannel connection, ConnectRequest request, byte[] body, boolean fin)
            throws Exception {
        ByteBuf head = Unpooled.buffer();
        QuicStreamSignatures.writeDataStreamPreamble(head);
        CapnpFrameEncoder.writeFrame(request.toMessage().getSegmentsForOutput(), head);
        return openStream(connection, Unpooled.wrappedBuffer(head, Unpooled.wrappedBuffer(body)), fin);
    }

    /** Opens a stream toward the connector and writes {@code bytes} as they are (ownership taken). */
    static Exchange openStream(QuicChannel connection, ByteBuf bytes, boolean fin) throws Exception {
        Exchange exchange = new Exchange();
        QuicStreamChannel stream = connection.newStreamBootstrap()
                .type(QuicStreamType.BIDIRECTIONAL)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(exchange)
                .create()
                .get(5, TimeUnit.SECONDS);
        exchange.stream = stream;
        stream.writeAndFlush(fin ? new DefaultQuicStreamFrame(bytes, true) : bytes).sync();
        return exchange;
    }

    /** Pushes a configuration on a new RPC stream, as the edge's {@code updateConfiguration}. */
    static UpdateConfigurationResponse pushConfiguration(QuicChannel connection, int version, String json)
            throws Exception {
        QuicStreamChannel stream = connection.newStreamBootstrap()
                .type(QuicStreamType.BIDIRECTIONAL)
                .handler(new ChannelInboundHandlerAdapter())
                .create()
                .get(5, TimeUnit.SECONDS);
        stream.writeAndFlush(Unpooled.wrappedBuffer(QuicStreamSignatures.rpcStreamSignature())).sync();
        RpcConnection rpc = RpcConnection.client(stream);
        try {
            return UpdateConfigurationResults.read(rpc.bootstrap().call(TunnelRpcIds.CONFIGURATION_MANAGER,
                    TunnelRpcIds.UPDATE_CONFIGURATION, new UpdateConfigurationParams(version, json)::write,
                    Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));
        } finally {
            rpc.shutdown();
        }
    }

    private CompletableFuture<Void> register(RpcCall call) {
        RegisterConnectionParams params = RegisterConnectionParams.read(call.params());
        registrations.add(params);
        if (silent) {
            return new CompletableFuture<>();
        }
        TunnelAuth expected = new TunnelAuth(params.auth().accountTag(), expectedSecret);
        ConnectionResponse response = expected.equals(params.auth())
                ? new ConnectionDetails(UUID.randomUUID(), LOCATION, false)
                : new ConnectionError("Unauthorized: loopback edge rejected registration (wrong tunnel secret)",
                        Duration.ZERO, false);
        RegisterConnectionResults.write(response, call.results());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    /** Counts the {@code Bootstrap} messages of a control stream into {@link #bootstraps}. */
    private final class BootstrapCounter extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (((CapnpMessage) msg).getRoot(Message.factory).which() == Message.Which.BOOTSTRAP) {
                bootstraps.release();
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** One stream the edge opened: what the connector answered. */
    static final class Exchange extends ChannelInboundHandlerAdapter {
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> ended = new CompletableFuture<>();
        /** One permit per byte received. */
        private final Semaphore receivedBytes = new Semaphore(0);
        volatile QuicStreamChannel stream;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                received.writeBytes(bytes);
                receivedBytes.release(bytes.length);
            } finally {
                buf.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                ended.complete(received.toByteArray());
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ended.completeExceptionally(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ended.completeExceptionally(new IOException("stream closed before the connector's FIN"));
            ctx.fireChannelInactive();
        }

        /** Writes more request bytes (ownership taken), with a FIN when {@code fin}. */
        void write(ByteBuf bytes, boolean fin) {
            stream.writeAndFlush(fin ? new DefaultQuicStreamFrame(bytes, true) : bytes);
        }

        /**
         * Waits at most 10 s until {@code count} more bytes of the answer came (counting from the previous wait);
         * false if they did not.
         */
        boolean awaitReceived(int count) throws InterruptedException {
            return receivedBytes.tryAcquire(count, 10, TimeUnit.SECONDS);
        }

        /** The whole answer, once the connector's FIN came; fails when the stream was reset or closed first. */
        CompletableFuture<byte[]> ended() {
            return ended;
        }

        /** The answer parsed: head and body, waiting at most 30 s. */
        Answer answer() throws Exception {
            byte[] bytes = ended.get(30, TimeUnit.SECONDS);
            byte[] preamble = Arrays.copyOf(bytes, QuicStreamSignatures.DATA_STREAM_PREAMBLE_LENGTH);
            ByteBuffer rest = ByteBuffer.wrap(bytes, preamble.length, bytes.length - preamble.length)
                    .slice().order(ByteOrder.LITTLE_ENDIAN);
            int words = rest.getInt(4);
            int messageLength = 8 + words * 8;
            ConnectResponse head = ConnectResponse.read(Serialize.read(
                    ByteBuffer.wrap(bytes, preamble.length, messageLength).slice()));
            byte[] body = Arrays.copyOfRange(bytes, preamble.length + messageLength, bytes.length);
            return new Answer(preamble, head, body);
        }
    }

    record Answer(byte[] preamble, ConnectResponse head, byte[] body) {
        String status() {
            return head.metadata().stream().filter(m -> m.key().equals("HttpStatus")).findFirst()
                    .map(m -> m.val()).orElse("");
        }
    }
}
