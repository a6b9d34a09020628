package dev.jflared.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.ingress.Ingress;
import dev.jflared.ingress.OriginRequestConfig;
import dev.jflared.ingress.OriginService;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StreamOriginTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    private static final EventLoopGroup edge = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private static final EventLoopGroup servers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private static final EventLoop loop = edge.next();

    @TempDir
    Path dir;

    @AfterAll
    static void closeLoops() {
        edge.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        servers.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static Channel echoServer() {
        return echoServer(new LinkedBlockingQueue<>(), new LinkedBlockingQueue<>());
    }

    /** An echo server that records the address each connection came from, in {@code accepted}. */
    static Channel echoServer(LinkedBlockingQueue<InetSocketAddress> accepted) {
        return echoServer(accepted, new LinkedBlockingQueue<>());
    }

    /** An echo server that records where each connection came from, when accepted and when closed. */
    static Channel echoServer(LinkedBlockingQueue<InetSocketAddress> accepted,
                              LinkedBlockingQueue<InetSocketAddress> closed) {
        ChannelInboundHandlerAdapter echo = new ChannelInboundHandlerAdapter() {
            @Override
            public boolean isSharable() {
                return true;
            }

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                accepted.add((InetSocketAddress) ctx.channel().remoteAddress());
                ctx.fireChannelActive();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.writeAndFlush(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                closed.add((InetSocketAddress) ctx.channel().remoteAddress());
                ctx.fireChannelInactive();
            }
        };
        return new ServerBootstrap().group(servers).channel(NioServerSocketChannel.class).childHandler(echo)
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    static int port(Channel server) {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    static HttpHeaders websocketHeaders() {
        return new DefaultHttpHeaders().add("Sec-WebSocket-Key", KEY).add("Sec-WebSocket-Version", "13");
    }

    static TestResponder send(OriginProxy proxy, TunnelRequest.Kind kind, String path, HttpHeaders headers,
                              BodySource body) {
        TestResponder responder = TestResponder.fast(loop);
        proxy.proxy(new TunnelRequest(kind, kind == TunnelRequest.Kind.TCP ? "127.0.0.1:1" : "https://app.example.com" + path,
                kind == TunnelRequest.Kind.TCP ? "" : "GET", kind == TunnelRequest.Kind.TCP ? "" : "app.example.com",
                kind == TunnelRequest.Kind.TCP ? "" : path, headers, "stream", loop, body), responder);
        return responder;
    }

    static OriginProxy proxy(Ingress ingress) {
        return OriginProxy.builder().ingress(() -> ingress).build();
    }

    @Test
    void websocketToAnHttpOriginIsUpgradedThenRelaysBytes() throws Exception {
        try (TestOrigin origin = TestOrigin.http1(servers, false, () -> new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpObjectAggregator(65536),
                        new WebSocketServerProtocolHandler("/ws"),
                        new SimpleChannelInboundHandler<WebSocketFrame>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
                                ctx.writeAndFlush(frame.retain());
                            }
                        });
            }
        }); OriginProxy proxy = proxy(Ingresses.single(Ingresses.http(origin.url("http"))))) {
            PushBodySource eyeball = new PushBodySource(loop);

            TestResponder responder = send(proxy, TunnelRequest.Kind.WEBSOCKET, "/ws", websocketHeaders(), eyeball);
            ResponseHead head = responder.head.get(10, TimeUnit.SECONDS);
            eyeball.push(WebSocketFrames.client(WebSocketFrames.TEXT, "hello"));
            String echoed = responder.awaitBytes(7);
            eyeball.end();

            assertThat(head.status()).isEqualTo(101);
            assertThat(head.headers().get("Sec-WebSocket-Accept")).isEqualTo(ACCEPT);
            assertThat(echoed).isEqualTo(WebSocketFrames.server(WebSocketFrames.TEXT, "hello"));
            responder.trailers.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void websocketRefusedByTheOriginPassesItsStatusAndBodyBack() throws Exception {
        try (TestOrigin origin = TestOrigin.http1(servers, true, HttpOriginTest::mirror);
             OriginProxy proxy = proxy(Ingresses.single(Ingresses.http(origin.url("http"))))) {
            PushBodySource eyeball = new PushBodySource(loop);

            TestResponder responder = send(proxy, TunnelRequest.Kind.WEBSOCKET, "/ws", websocketHeaders(), eyeball);

            responder.trailers.get(10, TimeUnit.SECONDS);
            assertThat(responder.status()).isEqualTo(200);
            assertThat(responder.body()).contains("upgrade: websocket", "sec-websocket-version: 13");
        }
    }

    @Test
    void tcpStreamToAPrivateNetworkDestinationEchoesAndCountsTheSession() throws Exception {
        Channel echo = echoServer();
        java.util.concurrent.CompletableFuture<String> session = new java.util.concurrent.CompletableFuture<>();
        ProxyEvents events = new ProxyEvents() {
            @Override
            public void tcpSessionFinished(TunnelRequest request) {
                session.complete(request.requestId());
            }
        };
        try (OriginProxy proxy = OriginProxy.builder().warpRouting(true).events(events)
                .ingress(() -> Ingresses.single(new OriginService.HttpStatus("http_status:404", 404))).build()) {
            PushBodySource eyeball = new PushBodySource(loop);
            TestResponder responder = TestResponder.fast(loop);

            proxy.proxy(new TunnelRequest(TunnelRequest.Kind.TCP, "127.0.0.1:" + port(echo), "", "", "",
                    new DefaultHttpHeaders(), "tcp", loop, eyeball), responder);
            eyeball.push("ping".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String echoed = responder.awaitBytes(4);
            eyeball.end();
            responder.trailers.get(10, TimeUnit.SECONDS);

            assertThat(responder.status()).isEqualTo(200);
            assertThat(echoed).isEqualTo("ping");
            assertThat(session.get(10, TimeUnit.SECONDS)).isEqualTo("tcp");
        } finally {
            echo.close().syncUninterruptibly();
        }
    }

    /** A masked frame arriving in pieces of every length and offset is unmasked whole (the key turns per piece). */
    @Test
    void maskedFrameSplitAtOddOffsetsIsUnmaskedWhole() throws Exception {
        Channel echo = echoServer();
        String url = "tcp://127.0.0.1:" + port(echo);
        byte[] payload = new byte[1000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
        byte[] frame = WebSocketFrames.client(WebSocketFrames.BINARY, payload);
        try (OriginProxy proxy = proxy(Ingresses.single(
                new OriginService.Stream(url, "tcp", "127.0.0.1", port(echo))))) {
            PushBodySource eyeball = new PushBodySource(loop);

            TestResponder responder = send(proxy, TunnelRequest.Kind.WEBSOCKET, "/", websocketHeaders(), eyeball);
            responder.head.get(10, TimeUnit.SECONDS);
            for (int from = 0, piece = 1; from < frame.length; from += piece, piece = piece % 7 + 1) {
                eyeball.push(Arrays.copyOfRange(frame, from, Math.min(frame.length, from + piece)));
            }
            byte[] echoed = new byte[0];
            for (int expected = payload.length; echoed.length < payload.length; expected++) {
                echoed = WebSocketFrames.serverPayloads(responder.awaitBytes(expected));
            }

            assertThat(echoed).isEqualTo(payload);
        } finally {
            echo.close().syncUninterruptibly();
        }
    }

    @Test
    void tcpServiceReachedByAnAccessClientCarriesBytesInWebsocketMessages() throws Exception {
        Channel echo = echoServer();
        String url = "tcp://127.0.0.1:" + port(echo);
        try (OriginProxy proxy = proxy(Ingresses.single(
                new OriginService.Stream(url, "tcp", "127.0.0.1", port(echo))))) {
            PushBodySource eyeball = new PushBodySource(loop);

            TestResponder responder = send(proxy, TunnelRequest.Kind.WEBSOCKET, "/", websocketHeaders(), eyeball);
            ResponseHead head = responder.head.get(10, TimeUnit.SECONDS);
            eyeball.push(WebSocketFrames.client(WebSocketFrames.BINARY, "ssh-bytes"));
            String echoed = responder.awaitBytes(11);
            eyeball.push(WebSocketFrames.client(0x8, new byte[] {0x03, (byte) 0xE8}));
            responder.trailers.get(10, TimeUnit.SECONDS);

            assertThat(head.status()).isEqualTo(101);
            assertThat(head.headers().get("Sec-WebSocket-Accept")).isEqualTo(ACCEPT);
            assertThat(echoed).isEqualTo(WebSocketFrames.server(WebSocketFrames.BINARY, "ssh-bytes"));
        } finally {
            echo.close().syncUninterruptibly();
        }
    }

    @Test
    void bastionDialsTheJumpDestinationTheClientNames() throws Exception {
        Channel echo = echoServer();
        try (OriginProxy proxy = proxy(Ingresses.single(new OriginService.Bastion("bastion")))) {
            PushBodySource eyeball = new PushBodySource(loop);
            HttpHeaders headers = websocketHeaders().add("Cf-Access-Jump-Destination",
                    "ssh://127.0.0.1:" + port(echo) + "/ignored");

            TestResponder responder = send(proxy, TunnelRequest.Kind.WEBSOCKET, "/", headers, eyeball);
            eyeball.push(WebSocketFrames.client(WebSocketFrames.BINARY, "jump"));
            String echoed = responder.awaitBytes(6);
            eyeball.end();

            assertThat(responder.status()).isEqualTo(101);
            assertThat(echoed).isEqualTo(WebSocketFrames.server(WebSocketFrames.BINARY, "jump"));
        } finally {
            echo.close().syncUninterruptibly();
        }
    }

    @Test
    void bastionWithoutADestinationIsRefused() throws Exception {
        try (OriginProxy proxy = proxy(Ingresses.single(new OriginService.Bastion("bastion")))) {

            TestResponder responder = send(proxy, TunnelRequest.Kind.WEBSOCKET, "/", websocketHeaders(),
                    new PushBodySource(loop));

            assertThat(responder.failure.get(10, TimeUnit.SECONDS)).hasMessageContaining("--destination");
        }
    }

    @Test
    void socksProxyConnectsWhereIpRulesAllowAndRefusesWhereTheyDeny() throws Exception {
        Channel echo = echoServer();
        int port = port(echo);
        OriginRequestConfig rules = Ingresses.proxy("", List.of(
                new OriginRequestConfig.IpRule("127.0.0.0/8", List.of(port), true),
                new OriginRequestConfig.IpRule("0.0.0.0/0", List.of(), false)));
        try (OriginProxy proxy = proxy(Ingresses.single(new OriginService.SocksProxy("socks-proxy"), rules))) {
            TestResponder allowed = socksConnect(proxy, port);
            String reply = allowed.awaitBytes(4 + 12);
            TestResponder denied = socksConnect(proxy, port + 1);
            String refusal = denied.awaitBytes(4 + 12);

            assertThat(reply).startsWith(WebSocketFrames.server(WebSocketFrames.BINARY, "\u0005\u0000"))
                    .contains("\u0005\u0000\u0000\u0001\u007f\u0000\u0000\u0001");
            // cloudflared names the refused destination in its rule-failure reply.
            assertThat(refusal).startsWith(WebSocketFrames.server(WebSocketFrames.BINARY, "\u0005\u0000")
                    + WebSocketFrames.server(WebSocketFrames.BINARY, "\u0005\u0002\u0000\u0001\u007f\u0000\u0000\u0001"
                    + portBytes(port + 1)));
        } finally {
            echo.close().syncUninterruptibly();
        }
    }

    @Test
    void socksProxyWithoutIpRulesDeniesEveryDestination() throws Exception {
        Channel echo = echoServer();
        int port = port(echo);
        try (OriginProxy proxy = proxy(Ingresses.single(new OriginService.SocksProxy("socks-proxy")))) {

            String refusal = socksConnect(proxy, port).awaitBytes(4 + 12);

            assertThat(refusal).startsWith(WebSocketFrames.server(WebSocketFrames.BINARY, "\u0005\u0000")
                    + WebSocketFrames.server(WebSocketFrames.BINARY, "\u0005\u0002\u0000\u0001\u007f\u0000\u0000\u0001"
                    + portBytes(port)));
        } finally {
            echo.close().syncUninterruptibly();
        }
    }

    @Test
    void tcpServiceWithProxyTypeSocksAnswersTheAccessClientsConnectWithItsOwnOrigin() throws Exception {
        LinkedBlockingQueue<InetSocketAddress> dialled = new LinkedBlockingQueue<>();
        Channel echo = echoServer(dialled);
        String url = "tcp://127.0.0.1:" + port(echo);
        try (OriginProxy proxy = proxy(Ingresses.single(new OriginService.Stream(url, "tcp", "127.0.0.1", port(echo)),
                Ingresses.proxy("socks", List.of())))) {
            PushBodySource eyeball = new PushBodySource(loop);
            byte[] name = "nowhere.invalid".getBytes(StandardCharsets.US_ASCII);
            byte[] connect = new byte[7 + name.length];
            connect[0] = 5;
            connect[1] = 1;
            connect[3] = 3;
            connect[4] = (byte) name.length;
            System.arraycopy(name, 0, connect, 5, name.length);
            connect[6 + name.length] = 9;

            TestResponder responder = send(proxy, TunnelRequest.Kind.WEBSOCKET, "/", websocketHeaders(), eyeball);
            ResponseHead head = responder.head.get(10, TimeUnit.SECONDS);
            InetSocketAddress origin = dialled.poll(10, TimeUnit.SECONDS);
            eyeball.push(WebSocketFrames.client(WebSocketFrames.BINARY, new byte[] {5, 1, 0}));
            eyeball.push(WebSocketFrames.client(WebSocketFrames.BINARY, connect));
            eyeball.push(WebSocketFrames.client(WebSocketFrames.BINARY, "ping"));
            String received = responder.awaitBytes(4 + 12 + 6);
            eyeball.end();

            assertThat(head.status()).isEqualTo(101);
            assertThat(head.headers().get("Sec-WebSocket-Accept")).isEqualTo(ACCEPT);
            // The CONNECT named a host that does not exist: it got the rule's origin, dialled before the 101, and
            // the reply names the address that connection is bound to.
            assertThat(received).isEqualTo(WebSocketFrames.server(WebSocketFrames.BINARY, "\u0005\u0000")
                    + WebSocketFrames.server(WebSocketFrames.BINARY, "\u0005\u0000\u0000\u0001\u007f\u0000\u0000\u0001"
                    + portBytes(origin.getPort()))
                    + WebSocketFrames.server(WebSocketFrames.BINARY, "ping"));
        } finally {
            echo.close().syncUninterruptibly();
        }
    }

    @Test
    void tcpServiceWithProxyTypeSocksRefusesBindAndDropsItsOrigin() throws Exception {
        LinkedBlockingQueue<InetSocketAddress> dialled = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<InetSocketAddress> closed = new LinkedBlockingQueue<>();
        Channel echo = echoServer(dialled, closed);
        String url = "ssh://127.0.0.1:" + port(echo);
        try (OriginProxy proxy = proxy(Ingresses.single(new OriginService.Stream(url, "ssh", "127.0.0.1", port(echo)),
                Ingresses.proxy("socks", List.of())))) {
            PushBodySource eyeball = new PushBodySource(loop);

            TestResponder responder = send(proxy, TunnelRequest.Kind.WEBSOCKET, "/", websocketHeaders(), eyeball);
            eyeball.push(WebSocketFrames.client(WebSocketFrames.BINARY, new byte[] {5, 1, 0}));
            eyeball.push(WebSocketFrames.client(WebSocketFrames.BINARY, new byte[] {5, 2, 0, 1, 127, 0, 0, 1, 0, 22}));
            responder.trailers.get(10, TimeUnit.SECONDS);

            String notSupported = "\u0005\u0007\u0000\u0001\u0000\u0000\u0000\u0000\u0000\u0000";
            String close = "\u0088\u0002\u0003\u00e8";
            assertThat(responder.awaitBytes(4 + 12 + 4)).isEqualTo(
                    WebSocketFrames.server(WebSocketFrames.BINARY, "\u0005\u0000")
                    + WebSocketFrames.server(WebSocketFrames.BINARY, notSupported) + close);
            assertThat(closed.poll(10, TimeUnit.SECONDS)).isEqualTo(dialled.poll(10, TimeUnit.SECONDS));
        } finally {
            echo.close().syncUninterruptibly();
        }
    }

    @Test
    void tcpServiceWithProxyTypeSocksAnswers502WhenItsOriginRefuses() throws Exception {
        Channel gone = echoServer();
        int port = port(gone);
        gone.close().syncUninterruptibly();
        try (OriginProxy proxy = proxy(Ingresses.single(
                new OriginService.Stream("tcp://127.0.0.1:" + port, "tcp", "127.0.0.1", port),
                Ingresses.proxy("socks", List.of())))) {

            TestResponder responder = send(proxy, TunnelRequest.Kind.WEBSOCKET, "/", websocketHeaders(),
                    new PushBodySource(loop));

            assertThat(responder.failure.get(10, TimeUnit.SECONDS)).isInstanceOf(OriginUnreachableException.class);
            assertThat(responder.head).isNotDone();
        }
    }

    private static String portBytes(int port) {
        return new String(new byte[] {(byte) (port >> 8), (byte) port}, StandardCharsets.ISO_8859_1);
    }

    private TestResponder socksConnect(OriginProxy proxy, int port) {
        PushBodySource eyeball = new PushBodySource(loop);
        TestResponder responder = send(proxy, TunnelRequest.Kind.WEBSOCKET, "/", websocketHeaders(), eyeball);
        eyeball.push(WebSocketFrames.client(WebSocketFrames.BINARY, new byte[] {5, 1, 0}));
        eyeball.push(WebSocketFrames.client(WebSocketFrames.BINARY,
                new byte[] {5, 1, 0, 1, 127, 0, 0, 1, (byte) (port >> 8), (byte) port}));
        return responder;
    }

    @Test
    void unixSocketOriginIsReachedThroughNativeEpoll() throws Exception {
        EventLoopGroup epoll = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        String path = dir.resolve("origin.sock").toString();
        Channel server = new ServerBootstrap().group(epoll).channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                HttpOriginTest.mirror());
                    }
                }).bind(new DomainSocketAddress(path)).syncUninterruptibly().channel();
        EventLoop epollLoop = epoll.next();
        try (OriginProxy proxy = proxy(Ingresses.single(new OriginService.Unix("unix:" + path, path, false)))) {
            TestResponder responder = TestResponder.fast(epollLoop);

            proxy.proxy(new TunnelRequest(TunnelRequest.Kind.HTTP, "https://app.example.com/sock", "GET",
                    "app.example.com", "/sock", new DefaultHttpHeaders(), "unix", epollLoop, BodySource.empty()),
                    responder);

            responder.trailers.get(10, TimeUnit.SECONDS);
            assertThat(responder.status()).isEqualTo(200);
            assertThat(responder.body()).startsWith("GET /sock\n").contains("host: app.example.com");
        } finally {
            server.close().syncUninterruptibly();
            epoll.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    static Optional<String> none() {
        return Optional.empty();
    }
}
