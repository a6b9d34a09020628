package dev.jflared.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.edge.EdgeAddress;
import dev.jflared.edge.EdgeAddressPool;
import dev.jflared.edge.EdgeTrust;
import dev.jflared.ingress.Ingress;
import dev.jflared.ingress.IngressRule;
import dev.jflared.ingress.OriginRequestConfig;
import dev.jflared.ingress.OriginService;
import dev.jflared.metrics.CloudflaredMetrics;
import dev.jflared.metrics.MetricRegistry;
import dev.jflared.metrics.MetricsServer;
import dev.jflared.orchestration.Orchestrator;
import dev.jflared.orchestration.TunnelServices;
import dev.jflared.proxy.OriginProxy;
import dev.jflared.quic.QuicEdgeTransport;
import dev.jflared.supervisor.ProtocolChoice;
import dev.jflared.supervisor.TunnelSupervisor;
import dev.jflared.testkit.LocalEdge;
import dev.jflared.transport.EdgeTransports;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the edge connections themselves report, scraped from {@code /metrics} over loopback: cloudflared's
 * {@code quic_client_*} family fed by the QUIC transport, {@code cloudflared_config_local_config_pushes*} counted by
 * connection 0's control stream and the {@code cloudflared_rpc_client_*} calls of every control stream, against a
 * {@link LocalEdge} and a real origin.
 *
 * <p>The connector is a {@link TunnelSupervisor} with a {@link MetricsServer} of the test's own, as
 * {@code tunnel run} assembles them, so that {@code /metrics} can still be scraped once the supervisor has shut
 * down: by then every connection has unregistered (after the answer to its local configuration push, on the same
 * control stream) and closed (after its last QUIC reading), so the figures are final and no wait is needed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectionMetricsEndToEndTest {

    /** The label prefix of the RegistrationServer calls, up to the method's value. */
    private static final String REGISTRATION = "{handler=\"registration\",method=";

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int HA = 2;
    private static final int FOUR_MIB = 4 << 20;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final MetricRegistry registry = new MetricRegistry();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(HA, NioIoHandler.newFactory());
    private LoopbackOrigin origin;
    private LocalEdge edge;
    private OriginProxy proxy;
    private TunnelSupervisor supervisor;
    private MetricsServer metricsServer;
    private URI metrics;

    @AfterEach
    void stop() {
        if (supervisor != null) {
            supervisor.shutdownNow().handle((v, e) -> null).join();
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (edge != null) {
            edge.close();
        }
        if (origin != null) {
            origin.close();
        }
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void quicClientMetricsCountTheConnectionsTheirBytesAndRtt() throws Exception {
        start(LocalEdge.builder().listen(TunnelEndToEndTest.haEdgeAddresses(HA)).build().start());
        awaitRegistrations();
        String registered = scrape();

        HttpResponse<String> upload = client.send(HttpRequest.newBuilder(edge.eyeballUri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new PatternBytes(FOUR_MIB))).timeout(WAIT)
                .build(), BodyHandlers.ofString());
        HttpResponse<byte[]> download = client.send(HttpRequest.newBuilder(
                edge.eyeballUri("/download?size=" + FOUR_MIB)).timeout(WAIT).build(), BodyHandlers.ofByteArray());
        supervisor.shutdown(Duration.ofSeconds(5)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        String closed = scrape();

        assertThat(value(registered, "quic_client_total_connections")).isEqualTo(HA);
        assertThat(value(registered, "quic_client_closed_connections")).isZero();
        for (int i = 0; i < HA; i++) {
            String conn = "{conn_index=\"" + i + "\"}";
            assertThat(value(registered, "quic_client_sent_bytes" + conn)).isPositive();
            assertThat(value(registered, "quic_client_receive_bytes" + conn)).isPositive();
            assertThat(value(registered, "quic_client_smoothed_rtt" + conn)).isNotNegative();
            assertThat(value(registered, "quic_client_congestion_window" + conn)).isPositive();
        }
        assertThat(upload.body()).startsWith(FOUR_MIB + " ");
        assertThat(download.body()).hasSize(FOUR_MIB);
        assertThat(value(closed, "quic_client_total_connections")).isEqualTo(edge.registrations().size());
        assertThat(value(closed, "quic_client_closed_connections")).isEqualTo(HA);
        assertThat(sumOverConnections(closed, "quic_client_receive_bytes"))
                .isGreaterThan(sumOverConnections(registered, "quic_client_receive_bytes") + FOUR_MIB);
        assertThat(sumOverConnections(closed, "quic_client_sent_bytes"))
                .isGreaterThan(sumOverConnections(registered, "quic_client_sent_bytes") + FOUR_MIB);
    }

    @Test
    void connectionZeroPushesTheLocalConfigurationOnce() throws Exception {
        start(LocalEdge.builder().listen(TunnelEndToEndTest.haEdgeAddresses(HA)).build().start());
        awaitRegistrations();

        supervisor.shutdown(Duration.ofSeconds(5)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        String closed = scrape();

        assertThat(edge.localConfigurations()).singleElement()
                .satisfies(config -> assertThat(config.connIndex()).isZero());
        assertThat(value(closed, "cloudflared_config_local_config_pushes")).isEqualTo(1);
        assertThat(value(closed, "cloudflared_config_local_config_pushes_errors")).isZero();
        assertThat(value(closed, "cloudflared_rpc_client_operations" + REGISTRATION + "\"register_connection\"}"))
                .isEqualTo(HA);
        assertThat(value(closed, "cloudflared_rpc_client_operations" + REGISTRATION
                + "\"update_local_configuration\"}")).isEqualTo(1);
        assertThat(value(closed, "cloudflared_rpc_client_operations" + REGISTRATION + "\"unregister_connection\"}"))
                .isEqualTo(HA);
        assertThat(closed).doesNotContain("cloudflared_rpc_client_failures{");
    }

    @Test
    void aLocalConfigurationTheEdgeRefusesCountsAsAPushError() throws Exception {
        start(LocalEdge.builder().listen(TunnelEndToEndTest.haEdgeAddresses(HA))
                .localConfigurationError("refused by the test").build().start());
        awaitRegistrations();

        HttpResponse<String> served = client.send(HttpRequest.newBuilder(edge.eyeballUri("/hello")).timeout(WAIT)
                .build(), BodyHandlers.ofString());
        supervisor.shutdown(Duration.ofSeconds(5)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        String closed = scrape();

        assertThat(served.statusCode()).as("a refused push does not stop the tunnel").isEqualTo(200);
        assertThat(value(closed, "cloudflared_config_local_config_pushes")).isEqualTo(1);
        assertThat(value(closed, "cloudflared_config_local_config_pushes_errors")).isEqualTo(1);
        assertThat(value(closed, "cloudflared_rpc_client_failures" + REGISTRATION
                + "\"update_local_configuration\"}")).isEqualTo(1);
    }

    /** Assembles the connector as {@code tunnel run} does, with metrics and a catch-all rule to the origin. */
    private void start(LocalEdge localEdge) throws Exception {
        edge = localEdge;
        origin = new LoopbackOrigin();
        CloudflaredMetrics cloudflared = CloudflaredMetrics.register(registry, "test", "now");
        Orchestrator orchestrator = Orchestrator.builder()
                .ingress(new Ingress(List.of(new IngressRule(0, "", Optional.empty(),
                        new OriginService.Http(origin.url(), URI.create(origin.url())), OriginRequestConfig.DEFAULTS))))
                .metrics(cloudflared.orchestration())
                .build();
        proxy = OriginProxy.builder().ingress(orchestrator::currentIngress).build();
        supervisor = TunnelSupervisor.builder()
                .credentials(edge.credentials())
                .trust(EdgeTrust.fromCaCertFile(edge.caFile()))
                .edgeAddresses(EdgeAddressPool.ofStaticAddresses(
                        edge.connectorAddresses().stream().map(EdgeAddress::new).toList(), Clock.systemUTC()))
                .haConnections(HA)
                .protocol(ProtocolChoice.QUIC)
                .transports(EdgeTransports.of(new QuicEdgeTransport()))
                .eventLoopGroup(group)
                .registrationInterval(Duration.ZERO)
                .metrics(cloudflared)
                .services(new TunnelServices(proxy, orchestrator))
                .build();
        metricsServer = MetricsServer.builder(registry).address("127.0.0.1:0").readiness(supervisor).build();
        metricsServer.start();
        metrics = URI.create("http://127.0.0.1:" + metricsServer.localAddress().getPort() + "/metrics");
        supervisor.start();
    }

    /** Every connection registered: each had its first QUIC reading when its handshake completed, before. */
    private void awaitRegistrations() throws InterruptedException {
        for (int i = 0; i < HA; i++) {
            assertThat(edge.takeRegistration(WAIT)).hasValueSatisfying(r -> assertThat(r.cause()).isEmpty());
        }
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(metrics).timeout(WAIT).build(),
                BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** The value of {@code sample} (name and labels, as exposed) in a scrape; fails when it is absent. */
    private static double value(String scrape, String sample) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(scrape);
        assertThat(matcher.find()).as("%s in the scrape:%n%s", sample, scrape).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    private static double sumOverConnections(String scrape, String name) {
        double sum = 0;
        for (int i = 0; i < HA; i++) {
            sum += value(scrape, name + "{conn_index=\"" + i + "\"}");
        }
        return sum;
    }
}
