package dev.jflared.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.ingress.OriginRequestConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsAndHttp2OriginTest {

    private static final EventLoopGroup edge = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private static final EventLoopGroup servers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private static final EventLoop loop = edge.next();
    private static final TestCertificates localhost = TestCertificates.create("localhost", true);
    private static final TestCertificates named = TestCertificates.create("origin.test", false);

    @TempDir
    Path dir;

    @AfterAll
    static void closeLoops() {
        edge.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        servers.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Answers "h1" or "h2" after the protocol the request came over. */
    static ChannelHandler protocolEcho() {
        return new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                String protocol = ctx.channel() instanceof Http2StreamChannel ? "h2" : "h1";
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.copiedBuffer(protocol + " " + request.headers().get("host"), StandardCharsets.UTF_8));
                HttpUtil.setContentLength(response, response.content().readableBytes());
                ctx.writeAndFlush(response);
            }
        };
    }

    static SslContext serverTls(TestCertificates certificates, boolean h2) throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forServer(certificates.serverKey, certificates.server,
                certificates.ca);
        if (h2) {
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1));
        }
        return builder.build();
    }

    static TestResponder get(String url, OriginRequestConfig config) {
        try (OriginProxy proxy = OriginProxy.builder()
                .ingress(() -> Ingresses.single(Ingresses.http(url), config)).build()) {
            TestResponder responder = TestResponder.fast(loop);
            proxy.proxy(new TunnelRequest(TunnelRequest.Kind.HTTP, url + "/", "GET", "app.example.com", "/",
                    new DefaultHttpHeaders(), "tls", loop, BodySource.empty()), responder);
            responder.trailers.exceptionally(e -> null);
            try {
                java.util.concurrent.CompletableFuture.anyOf(responder.trailers, responder.failure)
                        .get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return responder;
        }
    }

    OriginRequestConfig trusting(TestCertificates certificates, Optional<String> serverName, boolean h2) {
        return Ingresses.config(Optional.empty(), serverName,
                Optional.of(certificates.writeCaPem(dir).toString()), false, h2);
    }

    @Test
    void httpsOriginIsVerifiedWithTheCaPool() throws Exception {
        try (TestOrigin origin = TestOrigin.https1(servers, serverTls(localhost, false), TlsAndHttp2OriginTest::protocolEcho)) {

            TestResponder responder = get(origin.url("https"), trusting(localhost, Optional.empty(), false));

            assertThat(responder.status()).isEqualTo(200);
            assertThat(responder.body()).isEqualTo("h1 app.example.com");
        }
    }

    @Test
    void httpsOriginWithAnUnknownCaIsRefusedWith502() throws Exception {
        try (TestOrigin origin = TestOrigin.https1(servers, serverTls(localhost, false), TlsAndHttp2OriginTest::protocolEcho)) {

            TestResponder responder = get(origin.url("https"), OriginRequestConfig.DEFAULTS);

            assertThat(responder.failure.join()).isInstanceOf(OriginUnreachableException.class);
        }
    }

    @Test
    void noTlsVerifyAcceptsAnyCertificate() throws Exception {
        try (TestOrigin origin = TestOrigin.https1(servers, serverTls(named, false), TlsAndHttp2OriginTest::protocolEcho)) {

            TestResponder responder = get(origin.url("https"),
                    Ingresses.config(Optional.empty(), Optional.empty(), Optional.empty(), true, false));

            assertThat(responder.status()).isEqualTo(200);
        }
    }

    @Test
    void originServerNameIsTheNameVerifiedOnTheCertificate() throws Exception {
        try (TestOrigin origin = TestOrigin.https1(servers, serverTls(named, false), TlsAndHttp2OriginTest::protocolEcho)) {

            TestResponder withName = get(origin.url("https"), trusting(named, Optional.of("origin.test"), false));
            TestResponder withoutName = get(origin.url("https"), trusting(named, Optional.empty(), false));

            assertThat(withName.status()).isEqualTo(200);
            assertThat(withoutName.failure.join()).isInstanceOf(OriginUnreachableException.class);
        }
    }

    @Test
    void matchSniToHostSendsAndVerifiesTheRequestsHost() throws Exception {
        try (TestOrigin origin = TestOrigin.https1(servers, serverTls(named, false), TlsAndHttp2OriginTest::protocolEcho)) {
            OriginRequestConfig d = trusting(named, Optional.empty(), false);
            OriginRequestConfig matching = new OriginRequestConfig(d.connectTimeout(), d.tlsTimeout(),
                    d.tcpKeepAlive(), d.noHappyEyeballs(), d.keepAliveConnections(), d.keepAliveTimeout(),
                    d.httpHostHeader(), d.originServerName(), true, d.caPool(), d.noTlsVerify(),
                    d.disableChunkedEncoding(), d.bastionMode(), d.proxyAddress(), d.proxyPort(), d.proxyType(),
                    d.ipRules(), d.http2Origin(), d.access());
            String url = origin.url("https");
            try (OriginProxy proxy = OriginProxy.builder()
                    .ingress(() -> Ingresses.single(Ingresses.http(url), matching)).build()) {
                TestResponder responder = TestResponder.fast(loop);

                proxy.proxy(new TunnelRequest(TunnelRequest.Kind.HTTP, "https://origin.test/", "GET",
                        "origin.test", "/", new DefaultHttpHeaders(), "sni", loop, BodySource.empty()), responder);

                responder.trailers.get(10, TimeUnit.SECONDS);
                assertThat(responder.body()).isEqualTo("h1 origin.test");
            }
        }
    }

    @Test
    void http2OriginOverTlsNegotiatesH2() throws Exception {
        try (TestOrigin origin = TestOrigin.http2(servers, serverTls(localhost, true), TlsAndHttp2OriginTest::protocolEcho)) {

            TestResponder responder = get(origin.url("https"), trusting(localhost, Optional.empty(), true));

            assertThat(responder.status()).isEqualTo(200);
            assertThat(responder.body()).isEqualTo("h2 app.example.com");
        }
    }

    @Test
    void http2OriginInClearUsesPriorKnowledgeH2c() {
        try (TestOrigin origin = TestOrigin.http2(servers, null, TlsAndHttp2OriginTest::protocolEcho)) {

            TestResponder responder = get(origin.url("http"),
                    Ingresses.config(Optional.empty(), Optional.empty(), Optional.empty(), false, true));

            assertThat(responder.status()).isEqualTo(200);
            assertThat(responder.body()).isEqualTo("h2 app.example.com");
        }
    }

    @Test
    void http2OriginTrailersPassThrough() {
        try (TestOrigin origin = TestOrigin.http2(servers, null, () -> new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                ctx.write(new io.netty.handler.codec.http.DefaultHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.OK));
                io.netty.handler.codec.http.LastHttpContent last = new io.netty.handler.codec.http
                        .DefaultLastHttpContent(Unpooled.copiedBuffer("grpc body", StandardCharsets.UTF_8));
                last.trailingHeaders().set("grpc-status", "0");
                ctx.writeAndFlush(last);
            }
        })) {

            TestResponder responder = get(origin.url("http"),
                    Ingresses.config(Optional.empty(), Optional.empty(), Optional.empty(), false, true));

            assertThat(responder.body()).isEqualTo("grpc body");
            assertThat(responder.trailers.join().get("grpc-status")).isEqualTo("0");
        }
    }

    @Test
    void anOriginThatNeverFinishesTheHandshakeFailsAfterTlsTimeout() {
        Channel silent = new ServerBootstrap().group(servers).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
        try {
            OriginRequestConfig d = OriginRequestConfig.DEFAULTS;
            OriginRequestConfig quick = new OriginRequestConfig(d.connectTimeout(), Duration.ofMillis(200),
                    d.tcpKeepAlive(), d.noHappyEyeballs(), d.keepAliveConnections(), d.keepAliveTimeout(),
                    d.httpHostHeader(), d.originServerName(), d.matchSniToHost(), d.caPool(), d.noTlsVerify(),
                    d.disableChunkedEncoding(), d.bastionMode(), d.proxyAddress(), d.proxyPort(), d.proxyType(),
                    d.ipRules(), d.http2Origin(), d.access());
            int port = ((InetSocketAddress) silent.localAddress()).getPort();

            TestResponder responder = get("https://127.0.0.1:" + port, quick);

            assertThat(responder.failure.join()).isInstanceOf(OriginUnreachableException.class)
                    .hasCauseInstanceOf(SslHandshakeTimeoutException.class);
        } finally {
            silent.close().syncUninterruptibly();
        }
    }
}
