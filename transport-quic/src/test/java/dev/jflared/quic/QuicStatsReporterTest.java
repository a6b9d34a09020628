package dev.jflared.quic;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.config.TunnelCredentials;
import dev.jflared.edge.EdgeAddress;
import dev.jflared.edge.EdgeTrust;
import dev.jflared.metrics.CloudflaredMetrics;
import dev.jflared.metrics.ConnectionMetrics;
import dev.jflared.metrics.MetricRegistry;
import dev.jflared.proxy.OriginProxy;
import dev.jflared.rpc.schema.ConnectRequest;
import dev.jflared.rpc.schema.ConnectionType;
import dev.jflared.rpc.schema.Metadata;
import dev.jflared.testkit.IssuedCertificate;
import dev.jflared.testkit.TestCertificateAuthority;
import dev.jflared.transport.EdgeConnectRequest;
import dev.jflared.transport.EdgeConnection;
import dev.jflared.transport.RegistrationInfo;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.quic.QuicChannel;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link QuicStatsReporter} on a real loopback QUIC connection to a {@link LoopbackEdge}: the figures after the
 * handshake, a periodic reading after a large exchange, and the last reading when the connection closes.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QuicStatsReporterTest {

    private static final TestCertificateAuthority CA = TestCertificateAuthority.create();
    private static final IssuedCertificate EDGE_CERTIFICATE = CA.issueEdgeCertificate();
    private static final byte[] SECRET = "a tunnel secret of 32 bytes....!".getBytes(UTF_8);
    private static final int ONE_MIB = 1 << 20;
    private static final String CONN = "{conn_index=\"3\"}";

    private final MetricRegistry registry = new MetricRegistry();
    private final CloudflaredMetrics metrics = CloudflaredMetrics.register(registry, "test", "now");
    private EventLoopGroup connectorGroup;
    private EventLoopGroup edgeGroup;
    private LoopbackEdge edge;
    private OriginProxy proxy;

    @BeforeEach
    void start() throws Exception {
        connectorGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        edgeGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        edge = LoopbackEdge.start(edgeGroup, EDGE_CERTIFICATE, SECRET);
        // Echoes the request body back: the connector receives and sends what the edge posts.
        proxy = TestOrigins.proxyTo(TestOrigins.readingBody((request, body) -> { },
                (request, body, responder) -> TestOrigins.respond(responder, 200, EmptyHttpHeaders.INSTANCE, body)));
    }

    @AfterEach
    void stop() {
        edge.close();
        proxy.close();
        connectorGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        edgeGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void handshakeFiguresThenPeriodicReadingsThenTheLastOneAtClose() throws Exception {
        EventLoop loop = connectorGroup.next();
        EdgeConnection connection = new QuicEdgeTransport().connect(request(loop)).get(10, TimeUnit.SECONDS);
        String registered = registry.scrape();

        QuicChannel edgeSide = edge.takeConnection();
        LoopbackEdge.Answer echoed = LoopbackEdge.openDataStream(edgeSide, post(ONE_MIB), new byte[ONE_MIB], true)
                .answer();
        // Tasks of one event loop run in deadline order: the reporter's reading due within the next interval runs
        // before this scrape, which is due a full interval from now.
        String periodic = loop.schedule(registry::scrape, QuicStatsReporter.INTERVAL.toNanos(),
                TimeUnit.NANOSECONDS).get(10, TimeUnit.SECONDS);
        String beforeClose = registry.scrape();
        connection.close();
        connection.closeFuture().toCompletableFuture().handle((v, e) -> null).get(10, TimeUnit.SECONDS);
        String closed = registry.scrape();

        assertThat(value(registered, "quic_client_total_connections")).isEqualTo(1.0);
        assertThat(value(registered, "quic_client_closed_connections")).isZero();
        assertThat(value(registered, "quic_client_sent_bytes" + CONN)).isPositive();
        assertThat(value(registered, "quic_client_receive_bytes" + CONN)).isPositive();
        assertThat(value(registered, "quic_client_mtu" + CONN)).isEqualTo((double) QuicSettings.MAX_UDP_PAYLOAD_IPV4);
        assertThat(value(registered, "quic_client_congestion_window" + CONN)).isPositive();
        assertThat(value(registered, "quic_client_max_udp_payload" + CONN)).isPositive();
        assertThat(registered).containsPattern("(?m)^quic_client_smoothed_rtt\\{conn_index=\"3\"} \\d+$")
                .doesNotContain("quic_client_min_rtt{", "quic_client_latest_rtt{", "quic_client_sent_frames{",
                        "quic_client_congestion_state{");
        assertThat(echoed.status()).isEqualTo("200");
        assertThat(echoed.body()).hasSize(ONE_MIB);
        assertThat(value(periodic, "quic_client_sent_bytes" + CONN))
                .isGreaterThan(value(registered, "quic_client_sent_bytes" + CONN) + ONE_MIB);
        assertThat(value(periodic, "quic_client_receive_bytes" + CONN))
                .isGreaterThan(value(registered, "quic_client_receive_bytes" + CONN) + ONE_MIB);
        assertThat(value(closed, "quic_client_closed_connections")).isEqualTo(1.0);
        assertThat(value(closed, "quic_client_sent_bytes" + CONN)).as("with the CONNECTION_CLOSE packet")
                .isGreaterThan(value(beforeClose, "quic_client_sent_bytes" + CONN));
    }

    @Test
    void aDialThatFailsCountsAsStartedAndClosed() throws Exception {
        EdgeConnectRequest request = request(connectorGroup.next());
        EdgeConnectRequest untrusted = new EdgeConnectRequest(request.connIndex(), request.address(),
                EdgeTrust.cloudflareRoots(), request.registration(), request.services(), request.eventLoopGroup(),
                request.registrationTimeout(), request.metrics());

        Throwable failure = new QuicEdgeTransport().connect(untrusted).handle((v, e) -> e).get(10, TimeUnit.SECONDS);

        assertThat(failure).isInstanceOf(EdgeQuicDialException.class);
        assertThat(value(registry.scrape(), "quic_client_total_connections")).isEqualTo(1.0);
        assertThat(value(registry.scrape(), "quic_client_closed_connections")).isEqualTo(1.0);
        assertThat(registry.scrape()).doesNotContain("quic_client_sent_bytes{");
    }

    @Test
    void withoutMetricsNothingIsCollected() throws Exception {
        EdgeConnectRequest request = request(connectorGroup.next());
        EdgeConnectRequest unmetered = new EdgeConnectRequest(request.connIndex(), request.address(),
                request.trust(), request.registration(), request.services(), request.eventLoopGroup(),
                request.registrationTimeout());

        EdgeConnection connection = new QuicEdgeTransport().connect(unmetered).get(10, TimeUnit.SECONDS);
        connection.close();
        connection.closeFuture().toCompletableFuture().handle((v, e) -> null).get(10, TimeUnit.SECONDS);

        assertThat(value(registry.scrape(), "quic_client_total_connections")).isZero();
        assertThat(registry.scrape()).doesNotContain("quic_client_sent_bytes{");
    }

    private EdgeConnectRequest request(EventLoop loop) {
        TunnelCredentials credentials = new TunnelCredentials("0123456789abcdef0123456789abcdef", SECRET,
                UUID.randomUUID(), Optional.empty());
        RegistrationInfo registration = new RegistrationInfo(credentials, UUID.randomUUID(),
                RegistrationInfo.DEFAULT_FEATURES, "DEV", "linux_amd64", false, 0);
        // The loop as the group: the connection lives on it, so the test can queue work behind its readings.
        return new EdgeConnectRequest(3, EdgeAddress.of(InetAddress.getLoopbackAddress(), edge.address().getPort()),
                CA.trust(), registration, new TestOrigins.RecordingServices(proxy), loop, Duration.ofSeconds(10),
                ConnectionMetrics.of(metrics, 3));
    }

    private static ConnectRequest post(int length) {
        return new ConnectRequest("http://app.example.com/echo", ConnectionType.HTTP, List.of(
                new Metadata("HttpMethod", "POST"), new Metadata("HttpHost", "app.example.com"),
                new Metadata("HttpHeader:Content-Length", Integer.toString(length))));
    }

    /** The value of the sample {@code sample} (name and labels) in a scrape; fails when it is absent. */
    private static double value(String scrape, String sample) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(scrape);
        assertThat(matcher.find()).as("%s in the scrape:%n%s", sample, scrape).isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
