package dev.jflared.http2;

import dev.jflared.edge.EdgeAddress;
import dev.jflared.rpc.CapabilityServer;
import dev.jflared.rpc.RpcConnection;
import dev.jflared.rpc.schema.ConnectionDetails;
import dev.jflared.rpc.schema.ConnectionError;
import dev.jflared.rpc.schema.EmptyStruct;
import dev.jflared.rpc.schema.RegisterConnectionParams;
import dev.jflared.rpc.schema.RegisterConnectionResults;
import dev.jflared.rpc.schema.TunnelRpcIds;
import dev.jflared.rpc.schema.UpdateLocalConfigurationParams;
import dev.jflared.testkit.IssuedCertificate;
import dev.jflared.testkit.TestCertificateAuthority;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.EmptyHttp2Headers;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;

/**
 * A loopback stand-in for the edge's HTTP/2 side, for tests: it accepts a connector's TLS connection with a
 * certificate of a {@link TestCertificateAuthority}, acts as the HTTP/2 <em>client</em>, opens the control stream
 * and serves {@code RegistrationServer} on it over {@link StreamBytesDecoder}/{@link StreamBytesEncoder}, then sends
 * whatever requests a test asks for.
 *
 * <pre>{@code
 * try (TestHttp2Edge edge = TestHttp2Edge.start(group, ca)) {
 *     connect to edge.address() ...
 *     TestHttp2Edge.Session session = edge.session().get(5, SECONDS);
 *     TestHttp2Edge.Exchange get = session.request(headers, true);
 *     get.head().get(5, SECONDS);
 * }
 * }</pre>
 */
final class TestHttp2Edge implements AutoCloseable {

    static final UUID CONNECTION_UUID = UUID.fromString("01234567-89ab-cdef-0123-456789abcdef");
    static final String LOCATION = "TST";

    private final Channel server;
    private final CompletableFuture<Session> session = new CompletableFuture<>();

    private TestHttp2Edge(EventLoopGroup group, SslContext tls, Behaviour behaviour) throws InterruptedException {
        this.server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        SslHandler handler = tls.newHandler(channel.alloc());
                        channel.pipeline().addLast("tls", handler);
                        handler.handshakeFuture().addListener(f -> {
                            if (f.isSuccess()) {
                                session.complete(new Session(channel, handler, behaviour));
                            } else {
                                session.completeExceptionally(f.cause());
                            }
                        });
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    /**
     * Listens on a loopback port. The TLS context offers ALPN {@code h2} only to a client that asks, so
     * {@link Session#alpn()} shows whether the connector asked.
     */
    static TestHttp2Edge start(EventLoopGroup group, TestCertificateAuthority ca) throws Exception {
        return start(group, ca, Behaviour.REGISTER);
    }

    /** As {@link #start(EventLoopGroup, TestCertificateAuthority)}, behaving as {@code behaviour} says. */
    static TestHttp2Edge start(EventLoopGroup group, TestCertificateAuthority ca, Behaviour behaviour)
            throws Exception {
        IssuedCertificate certificate = behaviour == Behaviour.WRONG_NAME
                ? ca.issueServerCertificate(List.of("elsewhere.example")) : ca.issueEdgeCertificate();
        SslContext tls = certificate.serverSslContextBuilder()
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2))
                .build();
        return new TestHttp2Edge(group, tls, behaviour);
    }

    /** What the stand-in does with a connector. */
    enum Behaviour {
        /** Opens the control stream and accepts the registration. */
        REGISTER,
        /** Opens the control stream and refuses the registration with {@link #REJECTION}. */
        REJECT,
        /** Never opens a control stream. */
        SILENT,
        /** Presents a certificate for {@code elsewhere.example} only. */
        WRONG_NAME
    }

    static final ConnectionError REJECTION = new ConnectionError("Unauthorized: test edge says no",
            Duration.ofSeconds(3), false);

    EdgeAddress address() {
        return new EdgeAddress((InetSocketAddress) server.localAddress());
    }

    /** The first connector connection, once its TLS handshake is done and the control stream is open. */
    CompletableFuture<Session> session() {
        return session;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        session.thenAccept(s -> s.channel.close().syncUninterruptibly());
    }

    /** One connector connection as the edge sees it. */
    static final class Session {

        final Channel channel;
        final String serverName;
        final String alpn;
        final CompletableFuture<RegisterConnectionParams> registered = new CompletableFuture<>();
        final CompletableFuture<String> localConfiguration = new CompletableFuture<>();
        final CompletableFuture<Void> unregistered = new CompletableFuture<>();
        final CompletableFuture<Http2Settings> connectorSettings = new CompletableFuture<>();
        final Exchange control;

        private final Behaviour behaviour;

        Session(Channel channel, SslHandler tls, Behaviour behaviour) {
            this.behaviour = behaviour;
            this.channel = channel;
            this.serverName = requestedServerName(tls);
            this.alpn = tls.applicationProtocol();
            channel.pipeline()
                    .addLast(Http2FrameCodecBuilder.forClient()
                            .initialSettings(Http2Settings.defaultSettings().pushEnabled(false)
                                    .initialWindowSize(4 << 20))
                            .build())
                    .addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()))
                    .addLast(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            if (msg instanceof Http2SettingsFrame settings) {
                                connectorSettings.complete(settings.settings());
                            }
                            ReferenceCountUtil.release(msg);
                        }
                    });
            channel.writeAndFlush(new DefaultHttp2WindowUpdateFrame(1 << 30));
            Http2Headers controlStream = new DefaultHttp2Headers().method("GET").path("/").scheme("https")
                    .authority("h2.cftunnel.com").add(Http2Wire.UPGRADE, Http2Wire.UPGRADE_CONTROL_STREAM);
            this.control = behaviour == Behaviour.SILENT ? null
                    : new Exchange(channel, controlStream, false, this::serveRegistration);
        }

        /** The SNI host name the connector sent, or null. */
        String serverName() {
            return serverName;
        }

        /** The protocol ALPN agreed on, or null when the connector offered none. */
        String alpn() {
            return alpn;
        }

        /** Opens a stream with these request headers. */
        Exchange request(Http2Headers headers, boolean endStream) {
            return new Exchange(channel, headers, endStream, null);
        }

        void goAway() {
            channel.eventLoop().execute(() -> channel.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR)));
        }

        private void serveRegistration(Http2StreamChannel stream) {
            stream.pipeline().addLast(new StreamBytesDecoder(), new StreamBytesEncoder());
            RpcConnection.server(stream, CapabilityServer.builder()
                    .method(TunnelRpcIds.REGISTRATION_SERVER, TunnelRpcIds.REGISTER_CONNECTION, call -> {
                        registered.complete(RegisterConnectionParams.read(call.params()));
                        RegisterConnectionResults.write(behaviour == Behaviour.REJECT ? REJECTION
                                : new ConnectionDetails(CONNECTION_UUID, LOCATION, false), call.results());
                        return CompletableFuture.completedFuture(null);
                    })
                    .method(TunnelRpcIds.REGISTRATION_SERVER, TunnelRpcIds.UNREGISTER_CONNECTION, call -> {
                        unregistered.complete(null);
                        EmptyStruct.write(call.results());
                        return CompletableFuture.completedFuture(null);
                    })
                    .method(TunnelRpcIds.REGISTRATION_SERVER, TunnelRpcIds.UPDATE_LOCAL_CONFIGURATION, call -> {
                        localConfiguration.complete(UpdateLocalConfigurationParams.read(
                                call.params().getAs(UpdateLocalConfigurationParams.FACTORY)).config());
                        EmptyStruct.write(call.results());
                        return CompletableFuture.completedFuture(null);
                    })
                    .build());
        }

        private static String requestedServerName(SslHandler tls) {
            if (tls.engine().getSession() instanceof ExtendedSSLSession session) {
                for (SNIServerName name : session.getRequestedServerNames()) {
                    if (name instanceof SNIHostName host) {
                        return host.getAsciiName();
                    }
                }
            }
            return null;
        }
    }

    /** One stream the edge opened: what it sent and what came back. */
    static final class Exchange {

        final CompletableFuture<Http2StreamChannel> stream = new CompletableFuture<>();
        final CompletableFuture<Http2Headers> head = new CompletableFuture<>();
        final CompletableFuture<byte[]> body = new CompletableFuture<>();
        final CompletableFuture<Http2Headers> trailers = new CompletableFuture<>();
        final CompletableFuture<Long> reset = new CompletableFuture<>();
        final BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final java.util.function.Consumer<Http2StreamChannel> onHead;

        Exchange(Channel parent, Http2Headers headers, boolean endStream,
                java.util.function.Consumer<Http2StreamChannel> onHead) {
            this.onHead = onHead;
            new Http2StreamChannelBootstrap(parent).handler(new Collector()).open().addListener(f -> {
                if (!f.isSuccess()) {
                    stream.completeExceptionally(f.cause());
                    return;
                }
                Http2StreamChannel channel = (Http2StreamChannel) f.getNow();
                channel.writeAndFlush(new DefaultHttp2HeadersFrame(headers, endStream));
                stream.complete(channel);
            });
        }

        /** Sends {@code data} as DATA frames of at most {@code chunk} bytes, pausing while the stream is full. */
        CompletableFuture<Void> send(byte[] data, int chunk, boolean end) {
            CompletableFuture<Void> sent = new CompletableFuture<>();
            stream.thenAccept(channel -> channel.eventLoop().execute(() ->
                    channel.pipeline().addLast(new BodyWriter(data, chunk, end, sent))));
            return sent;
        }

        /** Sends {@code text} in one DATA frame. */
        void send(String text, boolean end) {
            send(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), Integer.MAX_VALUE, end);
        }

        /** Resets the stream (RST_STREAM CANCEL). */
        void cancel() {
            stream.thenAccept(channel -> channel.close());
        }

        /** Takes DATA until {@code n} bytes have come, waiting at most {@code seconds} for each chunk. */
        byte[] take(int n, long seconds) throws InterruptedException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (out.size() < n) {
                byte[] next = chunks.poll(seconds, TimeUnit.SECONDS);
                if (next == null) {
                    throw new AssertionError("only " + out.size() + " of " + n + " bytes came");
                }
                out.writeBytes(next);
            }
            return out.toByteArray();
        }

        private final class Collector extends ChannelInboundHandlerAdapter {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (msg instanceof Http2HeadersFrame frame) {
                        if (!head.isDone()) {
                            head.complete(frame.headers());
                            if (onHead != null) {
                                ctx.pipeline().remove(this);
                                onHead.accept((Http2StreamChannel) ctx.channel());
                                return;
                            }
                        } else {
                            trailers.complete(frame.headers());
                        }
                        if (frame.isEndStream()) {
                            end();
                        }
                    } else if (msg instanceof Http2DataFrame data) {
                        byte[] bytes = ByteBufUtil.getBytes(data.content());
                        received.writeBytes(bytes);
                        if (bytes.length > 0) {
                            chunks.add(bytes);
                        }
                        if (data.isEndStream()) {
                            end();
                        }
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof Http2ResetFrame resetFrame) {
                    reset.complete(resetFrame.errorCode());
                }
                ctx.fireUserEventTriggered(evt);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                reset.complete(-1L);
                head.completeExceptionally(new AssertionError("stream closed without a response"));
                body.completeExceptionally(new AssertionError("stream closed before END_STREAM"));
                ctx.fireChannelInactive();
            }

            private void end() {
                trailers.complete(EmptyHttp2Headers.INSTANCE);
                body.complete(received.toByteArray());
            }
        }
    }

    /** Writes a body while the stream can take it, resuming when it becomes writable again. */
    private static final class BodyWriter extends ChannelInboundHandlerAdapter {

        private final byte[] data;
        private final int chunk;
        private final boolean end;
        private final CompletableFuture<Void> sent;
        private int offset;

        BodyWriter(byte[] data, int chunk, boolean end, CompletableFuture<Void> sent) {
            this.data = data;
            this.chunk = chunk;
            this.end = end;
            this.sent = sent;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            writeWhileWritable(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            writeWhileWritable(ctx);
            ctx.fireChannelWritabilityChanged();
        }

        private void writeWhileWritable(ChannelHandlerContext ctx) {
            while (offset < data.length && ctx.channel().isWritable()) {
                int length = Math.min(chunk, data.length - offset);
                ByteBuf buf = Unpooled.wrappedBuffer(data, offset, length);
                offset += length;
                ctx.write(new DefaultHttp2DataFrame(buf, end && offset == data.length));
            }
            ctx.flush();
            if (offset == data.length && !sent.isDone()) {
                if (data.length == 0 && end) {
                    ctx.writeAndFlush(new DefaultHttp2DataFrame(true));
                }
                sent.complete(null);
                ctx.pipeline().remove(this);
            }
        }
    }

    static List<String> names(Http2Headers headers) {
        return headers.names().stream().map(CharSequence::toString).toList();
    }
}
