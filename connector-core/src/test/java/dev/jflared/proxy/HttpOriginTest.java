package dev.jflared.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.ingress.OriginRequestConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpOriginTest {

    private static final EventLoopGroup edge = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private static final EventLoopGroup servers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private static final EventLoop loop = edge.next();

    @AfterAll
    static void closeLoops() {
        edge.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        servers.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static TunnelRequest request(String method, String path, HttpHeaders headers, BodySource body) {
        return new TunnelRequest(TunnelRequest.Kind.HTTP, "https://app.example.com" + path, method,
                "app.example.com", path, headers, "ray-1", loop, body);
    }

    static TunnelRequest get(String path) {
        return request("GET", path, new DefaultHttpHeaders(), BodySource.empty());
    }

    static TestResponder send(OriginProxy proxy, TunnelRequest request) {
        TestResponder responder = TestResponder.fast(loop);
        proxy.proxy(request, responder);
        return responder;
    }

    static OriginProxy proxy(TestOrigin origin) {
        return OriginProxy.builder().ingress(() -> Ingresses.single(Ingresses.http(origin.url("http")))).build();
    }

    /** Answers with the request line and headers it received, one per line, and the request's body. */
    static SimpleChannelInboundHandler<FullHttpRequest> mirror() {
        return new SimpleChannelInboundHandler<>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                String lines = request.method() + " " + request.uri() + "\n" + request.headers().entries().stream()
                        .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("\n"))
                        + "\n\n" + request.content().toString(StandardCharsets.UTF_8)
                        + request.trailingHeaders().entries().stream()
                        .map(e -> "\ntrailer " + e.getKey() + ": " + e.getValue()).collect(Collectors.joining());
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.copiedBuffer(lines, StandardCharsets.UTF_8));
                response.headers().set("X-Origin", "yes");
                HttpUtil.setContentLength(response, response.content().readableBytes());
                ctx.writeAndFlush(response);
            }
        };
    }

    @Test
    void getReturnsTheOriginsStatusHeadersAndBody() {
        try (TestOrigin origin = TestOrigin.http1(servers, true, HttpOriginTest::mirror);
             OriginProxy proxy = proxy(origin)) {

            TestResponder responder = send(proxy, get("/a/b?c=d"));

            responder.trailers.join();
            ResponseHead head = responder.head.join();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.source()).isEqualTo(ResponseHead.Source.ORIGIN);
            assertThat(head.headers().get("X-Origin")).isEqualTo("yes");
            assertThat(head.headers().contains(HttpHeaderNames.CONNECTION)).isFalse();
            assertThat(responder.body()).startsWith("GET /a/b?c=d\n");
        }
    }

    @Test
    void requestHeadersAreRewrittenAsCloudflaredDoes() {
        try (TestOrigin origin = TestOrigin.http1(servers, true, HttpOriginTest::mirror);
             OriginProxy proxy = OriginProxy.builder()
                     .ingress(() -> Ingresses.single(Ingresses.http(origin.url("http") + "/prefix/"),
                             Ingresses.config(Optional.of("internal.local"), Optional.empty(), Optional.empty(),
                                     false, false)))
                     .tag("ID", "connector-1")
                     .build()) {
            HttpHeaders headers = new DefaultHttpHeaders();
            headers.add("Accept", "text/plain");
            headers.add("Keep-Alive", "timeout=5");
            headers.add("Connection", "X-Hop");
            headers.add("X-Hop", "dropped");

            TestResponder responder = send(proxy, request("GET", "/x?y=1", headers, BodySource.empty()));

            responder.trailers.join();
            String received = responder.body();
            assertThat(received).startsWith("GET /prefix/x?y=1\n");
            assertThat(received).contains("host: internal.local", "X-Forwarded-Host: app.example.com",
                    "connection: keep-alive", "Cf-Warp-Tag-ID: connector-1", "Accept: text/plain",
                    "accept-encoding: gzip");
            assertThat(received).doesNotContain("Keep-Alive: timeout", "X-Hop", "User-Agent");
        }
    }

    @Test
    void fixedLengthAndChunkedRequestBodiesReachTheOriginWithTrailers() {
        try (TestOrigin origin = TestOrigin.http1(servers, true, HttpOriginTest::mirror);
             OriginProxy proxy = proxy(origin)) {
            HttpHeaders fixed = new DefaultHttpHeaders().add(HttpHeaderNames.CONTENT_LENGTH, 5);
            HttpHeaders chunked = new DefaultHttpHeaders().add(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
            HttpHeaders trailers = new DefaultHttpHeaders().add("X-Checksum", "abc");

            TestResponder first = send(proxy, request("POST", "/", fixed, TestBodySource.of("hello")));
            first.trailers.join();
            TestResponder second = send(proxy, request("PUT", "/", chunked, TestBodySource.of("streamed", trailers)));
            second.trailers.join();

            // The aggregating origin turns a chunked body into a fixed one, trailers kept: both arrived whole.
            assertThat(first.body()).contains("content-length: 5").endsWith("\n\nhello");
            assertThat(second.body()).doesNotContain("transfer-encoding")
                    .endsWith("\n\nstreamed\ntrailer X-Checksum: abc");
        }
    }

    @Test
    void chunkedResponseKeepsItsTrailers() {
        try (TestOrigin origin = TestOrigin.http1(servers, false, () -> new SimpleChannelInboundHandler<HttpObject>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                if (msg instanceof LastHttpContent) {
                    DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    HttpUtil.setTransferEncodingChunked(head, true);
                    head.headers().set("Trailer", "grpc-status");
                    ctx.write(head);
                    ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("part1,", StandardCharsets.UTF_8)));
                    LastHttpContent last = new DefaultLastHttpContent(
                            Unpooled.copiedBuffer("part2", StandardCharsets.UTF_8));
                    last.trailingHeaders().set("grpc-status", "0");
                    ctx.writeAndFlush(last);
                }
            }
        }); OriginProxy proxy = proxy(origin)) {

            TestResponder responder = send(proxy, get("/"));

            assertThat(responder.trailers.join().get("grpc-status")).isEqualTo("0");
            assertThat(responder.body()).isEqualTo("part1,part2");
            assertThat(responder.head.join().headers().get("Trailer")).isEqualTo("grpc-status");
        }
    }

    @Test
    void headResponseHasTheLengthButNoBody() {
        try (TestOrigin origin = TestOrigin.http1(servers, true, () -> new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                boolean head = request.method().name().equals("HEAD");
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(new byte[1234]));
                response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 1234);
                ctx.writeAndFlush(response);
            }
        }); OriginProxy proxy = proxy(origin)) {

            TestResponder head = send(proxy, request("HEAD", "/", new DefaultHttpHeaders(), BodySource.empty()));
            head.trailers.join();
            TestResponder after = send(proxy, get("/"));
            after.trailers.join();

            assertThat(head.head.join().headers().get(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo("1234");
            assertThat(head.bytes()).isZero();
            assertThat(after.status()).isEqualTo(200);
            assertThat(after.bytes()).isEqualTo(1234);
            assertThat(origin.connections).hasValue(1);
        }
    }

    @Test
    void expectContinueSendsTheBodyOnlyAfterTheOriginsContinue() {
        AtomicInteger bytesBeforeContinue = new AtomicInteger(-1);
        try (TestOrigin origin = TestOrigin.http1(servers, false, () -> new SimpleChannelInboundHandler<HttpObject>() {
            private boolean continued;
            private final StringBuilder body = new StringBuilder();

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                if (msg instanceof HttpRequest request) {
                    assertThat(request.headers().get(HttpHeaderNames.EXPECT)).isEqualTo("100-continue");
                    bytesBeforeContinue.set(0);
                    ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
                    continued = true;
                }
                if (msg instanceof HttpContent content) {
                    if (!continued) {
                        bytesBeforeContinue.addAndGet(content.content().readableBytes());
                    }
                    body.append(content(content));
                    if (msg instanceof LastHttpContent) {
                        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                HttpResponseStatus.OK, text("got " + body));
                        HttpUtil.setContentLength(response, response.content().readableBytes());
                        ctx.writeAndFlush(response);
                    }
                }
            }
        }); OriginProxy proxy = proxy(origin)) {
            HttpHeaders headers = new DefaultHttpHeaders().add(HttpHeaderNames.CONTENT_LENGTH, 4)
                    .add(HttpHeaderNames.EXPECT, "100-continue");

            TestResponder responder = send(proxy, request("POST", "/", headers, TestBodySource.of("data")));

            responder.trailers.join();
            assertThat(responder.status()).isEqualTo(200);
            assertThat(responder.body()).isEqualTo("got data");
            assertThat(bytesBeforeContinue).hasValue(0);
        }
    }

    @Test
    void expectContinueRefusedByTheOriginNeverSendsTheBody() {
        try (TestOrigin origin = TestOrigin.http1(servers, false, () -> new SimpleChannelInboundHandler<HttpObject>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                if (msg instanceof HttpRequest) {
                    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            HttpResponseStatus.EXPECTATION_FAILED);
                    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
                    ctx.writeAndFlush(response);
                }
            }
        }); OriginProxy proxy = proxy(origin)) {
            HttpHeaders headers = new DefaultHttpHeaders().add(HttpHeaderNames.CONTENT_LENGTH, 4)
                    .add(HttpHeaderNames.EXPECT, "100-continue");
            TestBodySource body = TestBodySource.of("data");

            TestResponder responder = send(proxy, request("POST", "/", headers, body));

            responder.trailers.join();
            assertThat(responder.status()).isEqualTo(417);
            assertThat(body.aborted.join()).isNotNull();
            assertThat(body.wasRequested()).isFalse();
        }
    }

    @Test
    void firstServerSentEventArrivesBeforeTheOriginSendsTheSecond() throws Exception {
        CountDownLatch firstSeen = new CountDownLatch(1);
        try (TestOrigin origin = TestOrigin.http1(servers, true, () -> new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
                HttpUtil.setTransferEncodingChunked(head, true);
                ctx.write(head);
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("data: one\n\n",
                        StandardCharsets.UTF_8)));
                ctx.executor().execute(() -> awaitThenFinish(ctx));
            }

            private void awaitThenFinish(ChannelHandlerContext ctx) {
                if (firstSeen.getCount() > 0) {
                    ctx.executor().schedule(() -> awaitThenFinish(ctx), 1, TimeUnit.MILLISECONDS);
                    return;
                }
                ctx.writeAndFlush(new DefaultLastHttpContent(Unpooled.copiedBuffer("data: two\n\n",
                        StandardCharsets.UTF_8)));
            }
        }); OriginProxy proxy = proxy(origin)) {

            TestResponder responder = send(proxy, get("/events"));

            assertThat(responder.chunks.poll(10, TimeUnit.SECONDS)).isEqualTo("data: one\n\n");
            assertThat(responder.trailers).isNotDone();
            firstSeen.countDown();
            responder.trailers.join();
            assertThat(responder.body()).isEqualTo("data: one\n\ndata: two\n\n");
        }
    }

    @Test
    void sequentialRequestsReuseOneKeptAliveConnection() {
        try (TestOrigin origin = TestOrigin.http1(servers, true, HttpOriginTest::mirror);
             OriginProxy proxy = proxy(origin)) {

            for (int i = 0; i < 5; i++) {
                TestResponder responder = send(proxy, get("/" + i));
                responder.trailers.join();
                assertThat(responder.status()).isEqualTo(200);
            }

            assertThat(origin.connections).hasValue(1);
        }
    }

    @Test
    void aPooledConnectionTheOriginDroppedIsRetriedOnceOnAFreshOne() {
        try (TestOrigin origin = TestOrigin.http1(servers, true, () -> new SimpleChannelInboundHandler<FullHttpRequest>() {
            private int served;

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                if (served++ == 1) {
                    // The second request on a connection finds it "stale": closed without an answer.
                    ctx.close();
                    return;
                }
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                HttpUtil.setContentLength(response, 0);
                ctx.writeAndFlush(response);
            }
        }); OriginProxy proxy = proxy(origin)) {

            send(proxy, get("/1")).trailers.join();
            TestResponder second = send(proxy, get("/2"));
            second.trailers.join();

            assertThat(second.status()).isEqualTo(200);
            assertThat(origin.connections).hasValue(2);
        }
    }

    @Test
    void aConnectionTheOriginClosesWhileIdleLeavesThePool() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        try (TestOrigin origin = TestOrigin.http1(servers, true, () -> new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                HttpUtil.setContentLength(response, 0);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE)
                        .addListener(f -> closed.countDown());
            }
        }); OriginProxy proxy = proxy(origin)) {

            send(proxy, get("/1")).trailers.join();
            closed.await(10, TimeUnit.SECONDS);
            TestResponder second = send(proxy, get("/2"));
            second.trailers.join();

            assertThat(second.status()).isEqualTo(200);
            assertThat(origin.connections).hasValue(2);
        }
    }

    @Test
    void aRefusedOriginIsAnswered502FromCloudflaredAndCounted() {
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        // requestFinished comes right after the responder heard fail(), on the loop: wait for it, not for fail().
        CompletableFuture<Void> finishedOnce = new CompletableFuture<>();
        int port;
        try (TestOrigin closedOrigin = TestOrigin.http1(servers, true, HttpOriginTest::mirror)) {
            port = closedOrigin.port();
        }
        ProxyEvents events = new ProxyEvents() {
            @Override
            public void originError(TunnelRequest request, int ruleIndex, Throwable cause) {
                errors.incrementAndGet();
            }

            @Override
            public void requestFinished(TunnelRequest request) {
                finished.incrementAndGet();
                finishedOnce.complete(null);
            }
        };
        try (OriginProxy proxy = OriginProxy.builder().events(events)
                .ingress(() -> Ingresses.single(Ingresses.http("http://127.0.0.1:" + port))).build()) {

            TestResponder responder = send(proxy, get("/"));

            assertThat(responder.failure.join()).isInstanceOf(OriginUnreachableException.class)
                    .hasMessageContaining("Unable to reach the origin service");
            assertThat(errors).hasValue(1);
            assertThat(finishedOnce).succeedsWithin(Duration.ofSeconds(5));
            assertThat(finished).hasValue(1);
        }
    }

    @Test
    void anOriginWhoseBacklogIsFullFailsAfterConnectTimeout() throws Exception {
        // A listener that never accepts: once its accept queue is full the kernel drops further SYNs, so a
        // connect neither succeeds nor is refused (loopback only; no unroutable address needed).
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            java.util.List<java.net.Socket> fillers = new java.util.ArrayList<>();
            try {
                boolean full = false;
                for (int i = 0; i < 16 && !full; i++) {
                    java.net.Socket socket = new java.net.Socket();
                    fillers.add(socket);
                    try {
                        socket.connect(listener.getLocalSocketAddress(), 300);
                    } catch (java.net.SocketTimeoutException e) {
                        full = true;
                    }
                }
                org.junit.jupiter.api.Assumptions.assumeTrue(full, "this kernel does not drop SYNs on a full backlog");
                OriginRequestConfig d = OriginRequestConfig.DEFAULTS;
                OriginRequestConfig quick = new OriginRequestConfig(java.time.Duration.ofMillis(300), d.tlsTimeout(),
                        d.tcpKeepAlive(), d.noHappyEyeballs(), d.keepAliveConnections(), d.keepAliveTimeout(),
                        d.httpHostHeader(), d.originServerName(), d.matchSniToHost(), d.caPool(), d.noTlsVerify(),
                        d.disableChunkedEncoding(), d.bastionMode(), d.proxyAddress(), d.proxyPort(), d.proxyType(),
                        d.ipRules(), d.http2Origin(), d.access());
                String url = "http://127.0.0.1:" + listener.getLocalPort();
                try (OriginProxy proxy = OriginProxy.builder()
                        .ingress(() -> Ingresses.single(Ingresses.http(url), quick)).build()) {

                    TestResponder responder = send(proxy, get("/"));

                    assertThat(responder.failure.get(10, TimeUnit.SECONDS))
                            .isInstanceOf(OriginUnreachableException.class)
                            .hasCauseInstanceOf(io.netty.channel.ConnectTimeoutException.class);
                }
            } finally {
                for (java.net.Socket socket : fillers) {
                    socket.close();
                }
            }
        }
    }

    static Map<String, String> none() {
        return Map.of();
    }

    static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    static OriginRequestConfig defaults() {
        return OriginRequestConfig.DEFAULTS;
    }

    static String content(HttpContent content) {
        return content.content().toString(StandardCharsets.UTF_8);
    }
}
