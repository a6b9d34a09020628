package dev.jflared.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.rpc.RemoteCapability;
import dev.jflared.rpc.RpcConnection;
import dev.jflared.rpc.schema.ClientInfo;
import dev.jflared.rpc.schema.ConnectionDetails;
import dev.jflared.rpc.schema.ConnectionOptions;
import dev.jflared.rpc.schema.ConnectionResponse;
import dev.jflared.rpc.schema.RegisterConnectionParams;
import dev.jflared.rpc.schema.RegisterConnectionResults;
import dev.jflared.rpc.schema.TunnelAuth;
import dev.jflared.rpc.schema.TunnelRpcIds;
import dev.jflared.transport.Protocol;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * LocalEdge's HTTP/2 side, with a minimal connector written here (transport-http2 depends on this module, so its
 * connector cannot be used; integration-tests runs the real one): TLS with SNI {@code h2.cftunnel.com} and no ALPN,
 * HTTP/2 server, registration over the control stream's bodies.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalEdgeHttp2Test {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PUSH_ANSWER = "{\"lastAppliedVersion\":3,\"err\":\"no ingress rules\"}";

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    /** The HEADERS of the websocket request the minimal connector was sent. */
    private final CompletableFuture<Http2Headers> websocketHead = new CompletableFuture<>();

    @AfterEach
    void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void edgeOpensTheControlStreamAndAcceptsARegistrationOverHttp2() throws Exception {
        try (LocalEdge edge = LocalEdge.builder().build().start()) {
            CompletableFuture<Http2Headers> controlHead = new CompletableFuture<>();
            CompletableFuture<RemoteCapability> registration = new CompletableFuture<>();
            Channel connection = connect(edge, controlHead, registration);

            ConnectionResponse response = register(registration.get(10, TimeUnit.SECONDS), edge);

            Http2Headers head = controlHead.get();
            assertThat(head.method().toString()).isEqualTo("GET");
            assertThat(head.path().toString()).isEqualTo("/");
            assertThat(head.authority().toString()).isEqualTo("h2.cftunnel.com");
            assertThat(head.get("cf-cloudflared-proxy-connection-upgrade").toString()).isEqualTo("control-stream");
            assertThat(response).isInstanceOf(ConnectionDetails.class);
            assertThat(edge.takeEvent("accept", WAIT).orElseThrow().fields().get("protocol").asText())
                    .isEqualTo("http2");
            assertThat(edge.takeEvent("register", WAIT).orElseThrow().fields().get("protocol").asText())
                    .isEqualTo("http2");
            assertThat(edge.activeConnections()).singleElement()
                    .satisfies(info -> assertThat(info.protocol()).isEqualTo(Protocol.HTTP2));

            connection.close().sync();
            assertThat(edge.takeEvent("disconnect", WAIT)).isPresent();
        }
    }

    @Test
    void connectorPortServesUdpAndTcpOnTheSameNumberByDefault() throws Exception {
        try (LocalEdge edge = LocalEdge.builder().build().start()) {
            InetSocketAddress address = edge.connectorAddresses().get(0);

            EdgeEvent listening = edge.takeEvent("listening", WAIT).orElseThrow();

            assertThat(listening.fields().get("quic").asBoolean()).isTrue();
            assertThat(listening.fields().get("http2").asBoolean()).isTrue();
            assertThat(edge.protocols()).containsExactlyInAnyOrder(Protocol.QUIC, Protocol.HTTP2);
            try (java.net.Socket tcp = new java.net.Socket(address.getAddress(), address.getPort())) {
                assertThat(tcp.isConnected()).isTrue();
            }
        }
    }

    @Test
    void http2OnlyEdgeLeavesTheUdpPortFree() throws Exception {
        try (LocalEdge edge = LocalEdge.builder().protocols(Protocol.HTTP2).build().start()) {
            InetSocketAddress address = edge.connectorAddresses().get(0);

            EdgeEvent listening = edge.takeEvent("listening", WAIT).orElseThrow();

            assertThat(listening.fields().get("quic").asBoolean()).isFalse();
            assertThat(listening.fields().get("http2").asBoolean()).isTrue();
            try (DatagramSocket udp = new DatagramSocket(address)) {
                assertThat(udp.getLocalPort()).isEqualTo(address.getPort());
            }
        }
    }

    @Test
    void serializedResponseHeadersDecodeAsInTheGoldenCapture() {
        // golden http2/decoded/h2-streams/stream3.txt
        String serialized = "Q29udGVudC1UeXBl:YXBwbGljYXRpb24vanNvbg;RGF0ZQ:U3VuLCAyMiBOb3YgMjAyNiAwNjowMDoxNSBHTVQ;"
                + "Q29udGVudC1MZW5ndGg:NzI1";

        List<Map.Entry<String, String>> headers = Http2RequestStreamHandler.deserialize(serialized);

        assertThat(headers).containsExactly(Map.entry("Content-Type", "application/json"),
                Map.entry("Date", "Sun, 22 Nov 2026 06:00:15 GMT"), Map.entry("Content-Length", "725"));
    }

    @Test
    void requestHeadersCarryTheHostAsAuthorityAndDropConnectionHeaders() {
        EdgeRequest request = new EdgeRequest("GET", "ws.test", "/chat?x=1", List.of(
                new AbstractMap.SimpleImmutableEntry<>("Sec-Websocket-Key", "k"),
                new AbstractMap.SimpleImmutableEntry<>("Transfer-Encoding", "chunked"),
                new AbstractMap.SimpleImmutableEntry<>("Te", "trailers")), true, false);

        Http2Headers headers = Http2RequestStreamHandler.requestHeaders(request);

        assertThat(headers.authority().toString()).isEqualTo("ws.test");
        assertThat(headers.path().toString()).isEqualTo("/chat?x=1");
        assertThat(headers.get("sec-websocket-key").toString()).isEqualTo("k");
        assertThat(headers.get("te").toString()).isEqualTo("trailers");
        assertThat(headers.contains("transfer-encoding")).isFalse();
        assertThat(headers.get("cf-cloudflared-proxy-connection-upgrade").toString()).isEqualTo("websocket");
    }

    @Test
    void requestStreamCarriesSerializedHeadersBodyAndTrailersToTheEyeball() throws Exception {
        try (LocalEdge edge = LocalEdge.builder().build().start()) {
            CompletableFuture<RemoteCapability> registration = new CompletableFuture<>();
            Channel connection = connect(edge, new CompletableFuture<>(), registration);
            register(registration.get(10, TimeUnit.SECONDS), edge);
            edge.awaitConnections(1, WAIT);

            String response = rawGet(edge.eyeballAddress(), "/hello");
            EdgeEvent trailers = edge.takeEvent("trailers", WAIT).orElseThrow();

            assertThat(response).startsWith("HTTP/1.1 200 OK")
                    .containsIgnoringCase("content-type: text/plain\r\n")
                    .containsIgnoringCase("x-reply: yes")
                    .contains("answer to /hello")
                    .containsIgnoringCase("x-checksum: 42");
            assertThat(trailers.fields().get("path").asText()).isEqualTo("/hello");
            assertThat(trailers.fields().get("trailers").get("x-checksum").asText()).isEqualTo("42");
            connection.close().sync();
        }
    }

    @Test
    void configPushIsAPutAndItsErrorTextIsReported() throws Exception {
        try (LocalEdge edge = LocalEdge.builder().build().start()) {
            CompletableFuture<RemoteCapability> registration = new CompletableFuture<>();
            Channel connection = connect(edge, new CompletableFuture<>(), registration);
            register(registration.get(10, TimeUnit.SECONDS), edge);
            edge.awaitConnections(1, WAIT);

            List<ConfigPushResult> results = edge.pushConfig(4, "{\"ingress\":[]}").get(10, TimeUnit.SECONDS);

            assertThat(results).containsExactly(new ConfigPushResult(0, Protocol.HTTP2, 3, "no ingress rules"));
            connection.close().sync();
        }
    }

    /**
     * The JDK's websocket client sends {@code Content-Length: 0} with its upgrade. Forwarded over HTTP/2 it would
     * declare the stream's DATA empty, and the connector's HTTP/2 codec would reset the stream at the first
     * websocket frame (RFC 9113 section 8.1.1), so the edge leaves it out, as in golden stream 7.
     */
    @Test
    void websocketUpgradeWithContentLengthZeroStillCarriesFramesBothWays() throws Exception {
        try (LocalEdge edge = LocalEdge.builder().build().start()) {
            CompletableFuture<RemoteCapability> registration = new CompletableFuture<>();
            Channel connection = connect(edge, new CompletableFuture<>(), registration);
            register(registration.get(10, TimeUnit.SECONDS), edge);
            edge.awaitConnections(1, WAIT);
            byte[] frame = {(byte) 0x81, (byte) 0x84, 1, 2, 3, 4, 'p' ^ 1, 'i' ^ 2, 'n' ^ 3, 'g' ^ 4};

            String head;
            byte[] echoed;
            InetSocketAddress eyeball = edge.eyeballAddress();
            try (java.net.Socket socket = new java.net.Socket(eyeball.getAddress(), eyeball.getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("GET /chat HTTP/1.1\r\nHost: ws.test\r\nConnection: Upgrade\r\n"
                        + "Content-Length: 0\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                head = readHead(socket.getInputStream());
                socket.getOutputStream().write(frame);
                echoed = socket.getInputStream().readNBytes(frame.length);
            }

            assertThat(head).startsWith("HTTP/1.1 101 ");
            assertThat(echoed).isEqualTo(frame);
            Http2Headers forwarded = websocketHead.get(10, TimeUnit.SECONDS);
            assertThat(forwarded.get("cf-cloudflared-proxy-connection-upgrade").toString()).isEqualTo("websocket");
            assertThat(forwarded.contains("content-length")).isFalse();
            connection.close().sync();
        }
    }

    /** Reads a response head up to and including its blank line, byte by byte so nothing after it is consumed. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the eyeball connection closed inside the response head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** A GET on a plain socket, read to the end (Connection: close), to see chunked trailers as sent. */
    private static String rawGet(InetSocketAddress eyeball, String path) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(eyeball.getAddress(), eyeball.getPort())) {
            socket.setSoTimeout(10_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Dials the edge as a connector would: TLS (SNI h2.cftunnel.com, no ALPN), then HTTP/2 as the server. */
    private Channel connect(LocalEdge edge, CompletableFuture<Http2Headers> controlHead,
            CompletableFuture<RemoteCapability> registration) throws Exception {
        SslContext tls = SslContextBuilder.forClient().trustManager(edge.caFile().toFile()).build();
        InetSocketAddress address = edge.connectorAddresses().get(0);
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        SslHandler handler = tls.newHandler(channel.alloc(), "h2.cftunnel.com", address.getPort());
                        channel.pipeline().addLast(handler, Http2FrameCodecBuilder.forServer().build(),
                                new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                                    @Override
                                    protected void initChannel(Channel stream) {
                                        stream.pipeline().addLast(
                                                new ConnectorStream(controlHead, registration, websocketHead));
                                    }
                                }));
                    }
                })
                .connect(address).sync().channel();
    }

    private static ConnectionResponse register(RemoteCapability registration, LocalEdge edge) throws Exception {
        ConnectionOptions options = new ConnectionOptions(new ClientInfo(TestConnector.CLIENT_ID,
                TestConnector.FEATURES, "DEV", "linux_amd64"), InetAddress.getLoopbackAddress(), false, 0, 0);
        RegisterConnectionParams params = new RegisterConnectionParams(new TunnelAuth(
                edge.credentials().accountTag(), edge.credentials().tunnelSecret()), edge.credentials().tunnelId(),
                0, options);
        return registration.call(TunnelRpcIds.REGISTRATION_SERVER, TunnelRpcIds.REGISTER_CONNECTION, params::write)
                .thenApply(RegisterConnectionResults::read)
                .get(10, TimeUnit.SECONDS);
    }

    /**
     * One stream the edge opened. The control stream is answered 200, then RPC runs as the client over its bodies;
     * a configuration push is answered with {@link #PUSH_ANSWER}; a websocket is answered 200 at once and every DATA
     * frame echoed; a request is answered as a connector does (serialized origin headers, a body naming the path, a
     * trailer) once the request has ended.
     */
    private static final class ConnectorStream extends ChannelInboundHandlerAdapter {

        private final CompletableFuture<Http2Headers> controlHead;
        private final CompletableFuture<RemoteCapability> registration;
        private final CompletableFuture<Http2Headers> websocketHead;
        private String upgrade;
        private String path;

        ConnectorStream(CompletableFuture<Http2Headers> controlHead, CompletableFuture<RemoteCapability> registration,
                CompletableFuture<Http2Headers> websocketHead) {
            this.controlHead = controlHead;
            this.registration = registration;
            this.websocketHead = websocketHead;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                boolean end = false;
                if (msg instanceof Http2HeadersFrame frame) {
                    CharSequence kind = frame.headers().get("cf-cloudflared-proxy-connection-upgrade");
                    upgrade = kind == null ? "" : kind.toString();
                    path = String.valueOf(frame.headers().path());
                    if (upgrade.equals("control-stream")) {
                        controlHead.complete(frame.headers());
                        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
                        ctx.pipeline().replace(this, "bytes", new Http2StreamBytesCodec());
                        registration.complete(RpcConnection.client(ctx.channel()).bootstrap());
                        return;
                    }
                    if (upgrade.equals("websocket")) {
                        websocketHead.complete(frame.headers());
                        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
                        return;
                    }
                    end = frame.isEndStream();
                } else if (msg instanceof Http2DataFrame data) {
                    if (upgrade.equals("websocket") && data.content().isReadable()) {
                        ctx.writeAndFlush(new DefaultHttp2DataFrame(data.content().retain()));
                        return;
                    }
                    end = data.isEndStream();
                }
                if (end) {
                    answer(ctx);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void answer(ChannelHandlerContext ctx) {
            if (upgrade.equals("update-configuration")) {
                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
                ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(PUSH_ANSWER,
                        StandardCharsets.UTF_8), true));
                return;
            }
            Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
            String serialized = b64.encodeToString("Content-Type".getBytes(StandardCharsets.UTF_8)) + ":"
                    + b64.encodeToString("text/plain".getBytes(StandardCharsets.UTF_8)) + ";"
                    + b64.encodeToString("X-Reply".getBytes(StandardCharsets.UTF_8)) + ":"
                    + b64.encodeToString("yes".getBytes(StandardCharsets.UTF_8));
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                    .add("cf-cloudflared-response-headers", serialized)
                    .add("cf-cloudflared-response-meta", "{\"src\":\"origin\"}")
                    .add("content-type", "text/plain; charset=utf-8")));
            ctx.write(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("answer to " + path, StandardCharsets.UTF_8)));
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().add("x-checksum", "42"), true));
        }
    }
}
