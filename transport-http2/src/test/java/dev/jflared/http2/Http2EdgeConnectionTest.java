package dev.jflared.http2;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jflared.config.TunnelCredentials;
import dev.jflared.ingress.Ingress;
import dev.jflared.ingress.IngressRule;
import dev.jflared.ingress.OriginRequestConfig;
import dev.jflared.ingress.OriginService;
import dev.jflared.proxy.OriginProxy;
import dev.jflared.rpc.schema.RegisterConnectionParams;
import dev.jflared.rpc.schema.UpdateConfigurationResponse;
import dev.jflared.testkit.TestCertificateAuthority;
import dev.jflared.transport.ConnectionServices;
import dev.jflared.transport.EdgeConnectRequest;
import dev.jflared.transport.EdgeConnection;
import dev.jflared.transport.EdgeTransports;
import dev.jflared.transport.Protocol;
import dev.jflared.transport.RegistrationInfo;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP/2 transport end to end over real loopback TCP+TLS: {@link TestHttp2Edge} plays the edge (the HTTP/2
 * client), {@link Http2EdgeTransport} the connector, with real origins behind the {@link OriginProxy}.
 */
@Timeout(value = 60, unit = SECONDS)
class Http2EdgeConnectionTest {

    private static final UUID TUNNEL_ID = UUID.fromString("11111111-2222-3333-4444-555555555555");
    private static final String LOCAL_CONFIG = "{\"ingress\":[{\"service\":\"http_status:404\"}]}";
    private static final int TEN_MIB = 10 << 20;

    private static EventLoopGroup group;
    private static TestCertificateAuthority ca;

    private TestOrigins.Http1 http1;
    private TestOrigins.Grpc grpc;
    private OriginProxy proxy;
    private RecordingServices services;
    private TestHttp2Edge edge;
    private EdgeConnection connection;
    private TestHttp2Edge.Session session;

    @BeforeAll
    static void startGroup() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        ca = TestCertificateAuthority.create();
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 0, SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void connect() throws Exception {
        http1 = new TestOrigins.Http1(group);
        grpc = new TestOrigins.Grpc(group);
        proxy = OriginProxy.builder().ingress(this::ingress).warpRouting(true).build();
        services = new RecordingServices(proxy);
        edge = TestHttp2Edge.start(group, ca);

        connection = new Http2EdgeTransport().connect(request(edge, Duration.ofSeconds(10))).get(10, SECONDS);
        session = edge.session().get(5, SECONDS);
    }

    @AfterEach
    void tearDown() {
        if (connection != null) {
            connection.close();
            connection.closeFuture().toCompletableFuture().handle((v, e) -> null).join();
        }
        edge.close();
        proxy.close();
        http1.close();
        grpc.close();
    }

    @Test
    void theTransportIsFoundByServiceLoader() {
        assertThat(EdgeTransports.load(getClass().getClassLoader()).require(Protocol.HTTP2))
                .isInstanceOf(Http2EdgeTransport.class);
    }

    @Test
    void registersOverTheControlStreamWithSniAndWithoutAlpn() throws Exception {
        RegisterConnectionParams params = session.registered.get(5, SECONDS);

        assertThat(session.serverName()).isEqualTo("h2.cftunnel.com");
        assertThat(session.alpn()).isNull();
        assertThat(session.control.head.get(5, SECONDS).status()).hasToString("200");
        assertThat(params.tunnelId()).isEqualTo(TUNNEL_ID);
        assertThat(params.connIndex()).isZero();
        assertThat(params.options().originLocalIp()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(session.localConfiguration.get(5, SECONDS)).isEqualTo(LOCAL_CONFIG);
        assertThat(connection.details().uuid()).isEqualTo(TestHttp2Edge.CONNECTION_UUID);
        assertThat(connection.details().locationName()).isEqualTo(TestHttp2Edge.LOCATION);
        assertThat(connection.protocol()).isEqualTo(Protocol.HTTP2);
        assertThat(connection.address()).isEqualTo(edge.address());
        assertThat(connection.isServing()).isTrue();
        assertThat(connection.activeStreams()).isZero();
    }

    @Test
    void announcesCloudflaredsSettings() throws Exception {
        Http2Settings settings = session.connectorSettings.get(5, SECONDS);

        assertThat(settings.maxFrameSize()).isEqualTo(1 << 20);
        assertThat(settings.maxConcurrentStreams()).isEqualTo(0xFFFF_FFFFL);
        assertThat(settings.maxHeaderListSize()).isEqualTo(1_048_896L);
        assertThat(settings.headerTableSize()).isEqualTo(4096L);
        assertThat(settings.initialWindowSize()).isEqualTo(1 << 20);
    }

    @Test
    void getReachesTheOriginAndItsHeadersComeBackSerialized() throws Exception {
        Http2Headers request = get("app.test", "/hello").add("x-custom-one", "alpha").add("cookie", "c=1")
                .add("cookie", "d=2");

        TestHttp2Edge.Exchange exchange = session.request(request, true);

        Http2Headers head = exchange.head.get(10, SECONDS);
        assertThat(head.status()).hasToString("200");
        assertThat(head.get("cf-cloudflared-response-meta")).hasToString("{\"src\":\"origin\"}");
        assertThat(head.get("content-length")).hasToString("5");
        HttpHeaders user = SerializedHeaders.deserialize(head.get("cf-cloudflared-response-headers").toString());
        assertThat(user.get("X-Origin")).isEqualTo("http1");
        assertThat(user.getAll("Set-Cookie")).containsExactly("a=1", "b=2");
        assertThat(user.get("Content-Type")).isEqualTo("text/plain");
        assertThat(new String(exchange.body.get(10, SECONDS), UTF_8)).isEqualTo("hello");
        assertThat(exchange.trailers.get(5, SECONDS).isEmpty()).isTrue();
        HttpRequest atOrigin = http1.requests.peek();
        assertThat(atOrigin.uri()).isEqualTo("/hello");
        assertThat(atOrigin.headers().get("Host")).isEqualTo("app.test");
        assertThat(atOrigin.headers().get("X-Custom-One")).isEqualTo("alpha");
        assertThat(atOrigin.headers().get("Cookie")).isEqualTo("c=1; d=2");
        assertThat(atOrigin.headers().names()).noneMatch(name -> name.toLowerCase().startsWith("cf-cloudflared"));
    }

    @Test
    void tenMebibytesAreStreamedUpAndBackThroughAnEchoingOrigin() throws Exception {
        byte[] body = TestOrigins.pattern(TEN_MIB);
        Http2Headers request = post("app.test", "/echo").setInt("content-length", TEN_MIB);

        TestHttp2Edge.Exchange exchange = session.request(request, false);
        exchange.send(body, 16 << 10, true).get(30, SECONDS);

        assertThat(exchange.head.get(10, SECONDS).status()).hasToString("200");
        assertThat(exchange.body.get(30, SECONDS)).isEqualTo(body);
        assertThat(http1.requests.peek().headers().get("Content-Length")).isEqualTo(Integer.toString(TEN_MIB));
    }

    @Test
    void aBodyOfUnknownLengthGoesToAnHttp1OriginChunked() throws Exception {
        byte[] body = TestOrigins.pattern(100_000);

        TestHttp2Edge.Exchange exchange = session.request(post("app.test", "/echo"), false);
        exchange.send(body, 7_000, true).get(10, SECONDS);

        assertThat(exchange.body.get(10, SECONDS)).isEqualTo(body);
        assertThat(http1.requests.peek().headers().get("Transfer-Encoding")).isEqualTo("chunked");
    }

    @Test
    void tenMebibytesComeDownWithTheirLength() throws Exception {
        TestHttp2Edge.Exchange exchange = session.request(get("app.test", "/big?" + TEN_MIB), true);

        Http2Headers head = exchange.head.get(10, SECONDS);
        assertThat(head.get("content-length")).hasToString(Integer.toString(TEN_MIB));
        assertThat(exchange.body.get(30, SECONDS)).isEqualTo(TestOrigins.pattern(TEN_MIB));
    }

    @Test
    void aWebsocketIsAnswered200AndCarriesFramesBothWays() throws Exception {
        Http2Headers request = get("app.test", "/ws").add("cf-cloudflared-proxy-connection-upgrade", "websocket")
                .add("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==").add("sec-websocket-version", "13");

        TestHttp2Edge.Exchange exchange = session.request(request, false);
        Http2Headers head = exchange.head.get(10, SECONDS);
        exchange.send(maskedTextFrame("hello"), Integer.MAX_VALUE, false);
        byte[] echoed = exchange.take(7, 10);
        exchange.send(maskedTextFrame("again"), Integer.MAX_VALUE, false);
        byte[] again = exchange.take(7, 10);

        assertThat(head.status()).hasToString("200");
        HttpHeaders user = SerializedHeaders.deserialize(head.get("cf-cloudflared-response-headers").toString());
        assertThat(user.get("Upgrade")).isEqualToIgnoringCase("websocket");
        assertThat(user.get("Sec-Websocket-Accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertThat(echoed).containsExactly(0x81, 5, 'h', 'e', 'l', 'l', 'o');
        assertThat(again).containsExactly(0x81, 5, 'a', 'g', 'a', 'i', 'n');
    }

    @Test
    void grpcTrailersFromAnHttp2OriginArriveAsHttp2Trailers() throws Exception {
        Http2Headers request = post("grpc.test", "/echo.Echo/Say").add("content-type", "application/grpc")
                .add("te", "trailers");
        byte[] message = {0, 0, 0, 0, 3, 'a', 'b', 'c'};

        TestHttp2Edge.Exchange exchange = session.request(request, false);
        exchange.send(message, Integer.MAX_VALUE, true);

        Http2Headers head = exchange.head.get(10, SECONDS);
        assertThat(head.status()).hasToString("200");
        assertThat(SerializedHeaders.deserialize(head.get("cf-cloudflared-response-headers").toString())
                .get("Content-Type")).isEqualTo("application/grpc");
        assertThat(exchange.body.get(10, SECONDS)).isEqualTo(message);
        Http2Headers trailers = exchange.trailers.get(10, SECONDS);
        assertThat(trailers.get("grpc-status")).hasToString("0");
        assertThat(trailers.get("grpc-message")).hasToString("ok");
    }

    @Test
    void aTcpStreamCarriesRawBytesToItsDestination() throws Exception {
        String destination = URI.create(http1.url()).getAuthority();
        Http2Headers request = new DefaultHttp2Headers().method("CONNECT").authority(destination)
                .add("cf-cloudflared-proxy-src", "198.51.100.7:40000");

        TestHttp2Edge.Exchange exchange = session.request(request, false);
        Http2Headers head = exchange.head.get(10, SECONDS);
        exchange.send("GET /hello HTTP/1.1\r\nHost: tcp.test\r\nConnection: close\r\n\r\n", true);

        assertThat(head.status()).hasToString("200");
        assertThat(head.get("cf-cloudflared-response-meta")).hasToString("{\"src\":\"origin\"}");
        assertThat(new String(exchange.body.get(10, SECONDS), UTF_8)).startsWith("HTTP/1.1 200 OK").endsWith("hello");
        assertThat(http1.requests.peek().headers().get("Host")).isEqualTo("tcp.test");
    }

    @Test
    void anUnreachableOriginIsAnswered502FromCloudflared() throws Exception {
        TestHttp2Edge.Exchange exchange = session.request(get("down.test", "/"), true);

        Http2Headers head = exchange.head.get(10, SECONDS);
        assertThat(head.status()).hasToString("502");
        assertThat(head.get("cf-cloudflared-response-meta")).hasToString("{\"src\":\"cloudflared\"}");
        assertThat(exchange.body.get(10, SECONDS)).isEmpty();
    }

    @Test
    void aConfigurationPushReachesTheServicesAndIsAnswered() throws Exception {
        Http2Headers request = new DefaultHttp2Headers().method("PUT").path("/").scheme("https")
                .authority("h2.cftunnel.com").add("cf-cloudflared-proxy-connection-upgrade", "update-configuration");

        TestHttp2Edge.Exchange exchange = session.request(request, false);
        exchange.send("{\"version\":7,\"config\":{\"ingress\":[{\"service\":\"http_status:418\"}]}}", true);

        assertThat(exchange.head.get(10, SECONDS).status()).hasToString("200");
        assertThat(new String(exchange.body.get(10, SECONDS), UTF_8))
                .isEqualTo("{\"lastAppliedVersion\":7,\"err\":null}");
        assertThat(services.lastVersion.get()).isEqualTo(7);
        assertThat(services.lastConfig.get()).isEqualTo("{\"ingress\":[{\"service\":\"http_status:418\"}]}");
    }

    @Test
    void aRefusedConfigurationIsAnsweredWithTheReasonText() throws Exception {
        services.refusal.set("ingress rule 0: unknown service \"nope\"");
        Http2Headers request = new DefaultHttp2Headers().method("PUT").path("/").scheme("https")
                .authority("h2.cftunnel.com").add("cf-cloudflared-proxy-connection-upgrade", "update-configuration");

        TestHttp2Edge.Exchange exchange = session.request(request, false);
        exchange.send("{\"version\":8,\"config\":{\"ingress\":[{\"service\":\"nope\"}]}}", true);

        assertThat(new String(exchange.body.get(10, SECONDS), UTF_8))
                .isEqualTo("{\"lastAppliedVersion\":7,\"err\":\"ingress rule 0: unknown service \\\"nope\\\"\"}");
    }

    @Test
    void aConfigurationBodyThatIsNotJsonIsAnswered502() throws Exception {
        Http2Headers request = new DefaultHttp2Headers().method("PUT").path("/").scheme("https")
                .authority("h2.cftunnel.com").add("cf-cloudflared-proxy-connection-upgrade", "update-configuration");

        TestHttp2Edge.Exchange exchange = session.request(request, false);
        exchange.send("not json", true);

        Http2Headers head = exchange.head.get(10, SECONDS);
        assertThat(head.status()).hasToString("502");
        assertThat(head.get("cf-cloudflared-response-meta")).hasToString("{\"src\":\"cloudflared\"}");
    }

    @Test
    void shutdownUnregistersThenWaitsForTheRequestInFlight() throws Exception {
        TestHttp2Edge.Exchange slow = session.request(get("app.test", "/slow"), true);
        http1.slowArrived.get(10, SECONDS);

        CompletionStage<Void> closed = connection.shutdown(Duration.ofSeconds(30));
        session.unregistered.get(10, SECONDS);

        assertThat(connection.isServing()).isFalse();
        assertThat(connection.activeStreams()).isEqualTo(1);
        assertThat(closed.toCompletableFuture()).isNotDone();
        http1.releaseSlow();
        assertThat(new String(slow.body.get(10, SECONDS), UTF_8)).isEqualTo("slow done");
        closed.toCompletableFuture().get(10, SECONDS);
        assertThat(connection.activeStreams()).isZero();
    }

    @Test
    void shutdownGivesUpOnStreamsAfterTheGracePeriod() throws Exception {
        TestHttp2Edge.Exchange slow = session.request(get("app.test", "/slow"), true);
        http1.slowArrived.get(10, SECONDS);

        connection.shutdown(Duration.ofMillis(200)).toCompletableFuture().get(10, SECONDS);

        assertThat(session.unregistered).isDone();
        assertThat(slow.reset.get(10, SECONDS)).isNotNull();
    }

    @Test
    void aLostConnectionFailsTheCloseFuture() throws Exception {
        session.channel.close();

        assertThatThrownBy(() -> connection.closeFuture().toCompletableFuture().get(10, SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(EdgeConnectionLostException.class);
        assertThat(connection.isServing()).isFalse();
    }

    @Test
    void goAwayFromTheEdgeClosesTheConnectionAsLost() throws Exception {
        session.goAway();

        assertThatThrownBy(() -> connection.closeFuture().toCompletableFuture().get(10, SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(EdgeConnectionLostException.class)
                .hasMessageContaining("GOAWAY");
    }

    @Test
    void aResetRequestOnlyEndsThatStream() throws Exception {
        TestHttp2Edge.Exchange upload = session.request(post("app.test", "/echo"), false);
        upload.send(TestOrigins.pattern(1000), 1000, false).get(10, SECONDS);
        upload.head.get(10, SECONDS);
        upload.cancel();

        TestHttp2Edge.Exchange next = session.request(get("app.test", "/hello"), true);

        assertThat(new String(next.body.get(10, SECONDS), UTF_8)).isEqualTo("hello");
        assertThat(connection.isServing()).isTrue();
    }

    @Test
    void closeEndsTheConnectionNormally() throws Exception {
        connection.close();

        connection.closeFuture().toCompletableFuture().get(10, SECONDS);
        assertThat(connection.isServing()).isFalse();
    }

    private Ingress ingress() {
        OriginRequestConfig d = OriginRequestConfig.DEFAULTS;
        OriginRequestConfig h2 = new OriginRequestConfig(d.connectTimeout(), d.tlsTimeout(), d.tcpKeepAlive(),
                d.noHappyEyeballs(), d.keepAliveConnections(), d.keepAliveTimeout(), d.httpHostHeader(),
                d.originServerName(), d.matchSniToHost(), d.caPool(), d.noTlsVerify(), d.disableChunkedEncoding(),
                d.bastionMode(), d.proxyAddress(), d.proxyPort(), d.proxyType(), d.ipRules(), true, d.access());
        return new Ingress(List.of(
                new IngressRule(0, "app.test", Optional.empty(), http(http1.url()), d),
                new IngressRule(1, "grpc.test", Optional.empty(), http(grpc.url()), h2),
                new IngressRule(2, "down.test", Optional.empty(), http("http://127.0.0.1:" + closedPort()), d),
                new IngressRule(3, "", Optional.empty(), new OriginService.HttpStatus("http_status:404", 404), d)));
    }

    private static OriginService.Http http(String url) {
        return new OriginService.Http(url, URI.create(url));
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private EdgeConnectRequest request(TestHttp2Edge to, Duration timeout) {
        byte[] secret = new byte[32];
        TunnelCredentials credentials = new TunnelCredentials("0123456789abcdef0123456789abcdef", secret,
                TUNNEL_ID, Optional.empty());
        RegistrationInfo registration = new RegistrationInfo(credentials, UUID.randomUUID(),
                RegistrationInfo.DEFAULT_FEATURES, "test", "linux_amd64", false, 0);
        return new EdgeConnectRequest(0, to.address(), ca.trust(), registration, services, group, timeout);
    }

    private static Http2Headers get(String host, String path) {
        return new DefaultHttp2Headers().method("GET").path(path).scheme("http").authority(host);
    }

    private static Http2Headers post(String host, String path) {
        return new DefaultHttp2Headers().method("POST").path(path).scheme("http").authority(host);
    }

    /** A masked client text frame, as a browser sends it. */
    private static byte[] maskedTextFrame(String text) {
        byte[] payload = text.getBytes(UTF_8);
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    /** The services of a test connection: the real proxy, and a configuration endpoint that records. */
    private static final class RecordingServices implements ConnectionServices {

        final OriginProxy proxy;
        final AtomicReference<Integer> lastVersion = new AtomicReference<>();
        final AtomicReference<String> lastConfig = new AtomicReference<>();
        final AtomicReference<String> refusal = new AtomicReference<>();

        RecordingServices(OriginProxy proxy) {
            this.proxy = proxy;
        }

        @Override
        public OriginProxy proxy() {
            return proxy;
        }

        @Override
        public CompletionStage<UpdateConfigurationResponse> updateConfiguration(int version, String configJson) {
            if (refusal.get() != null) {
                return CompletableFuture.completedFuture(new UpdateConfigurationResponse(version - 1, refusal.get()));
            }
            lastVersion.set(version);
            lastConfig.set(configJson);
            return CompletableFuture.completedFuture(new UpdateConfigurationResponse(version, ""));
        }

        @Override
        public Optional<String> localConfigurationJson() {
            return Optional.of(LOCAL_CONFIG);
        }
    }
}
