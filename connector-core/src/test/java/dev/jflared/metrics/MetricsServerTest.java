package dev.jflared.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MetricsServerTest {

    private static final UUID CONNECTOR_ID = UUID.fromString("6f1c3f6e-8e36-4a48-9d4f-1f3c2a6b7d10");

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final MetricRegistry registry = new MetricRegistry();
    private final AtomicInteger readyConnections = new AtomicInteger();
    private final ReadinessSource readiness = new ReadinessSource() {
        @Override
        public UUID connectorId() {
            return CONNECTOR_ID;
        }

        @Override
        public int readyConnections() {
            return readyConnections.get();
        }
    };
    private MetricsServer server;

    @AfterEach
    void closeServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void metricsAreServedInTheTextFormat() throws Exception {
        CloudflaredMetrics.register(registry, "2026.1.0", "now").proxy().requestStarted();
        start(MetricsServer.builder(registry).address("127.0.0.1:0"));

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type"))
                .hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).contains("# TYPE cloudflared_tunnel_total_requests counter\n"
                + "cloudflared_tunnel_total_requests 1\n");
    }

    @Test
    void readyIs503WithoutConnectionsThen200WithTheirCount() throws Exception {
        start(MetricsServer.builder(registry).address("127.0.0.1:0").readiness(readiness));

        HttpResponse<String> notReady = get("/ready");
        readyConnections.set(4);
        HttpResponse<String> ready = get("/ready");

        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body())
                .isEqualTo("{\"status\":503,\"readyConnections\":0,\"connectorId\":\"" + CONNECTOR_ID + "\"}");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body())
                .isEqualTo("{\"status\":200,\"readyConnections\":4,\"connectorId\":\"" + CONNECTOR_ID + "\"}");
    }

    @Test
    void healthcheckAndQuicktunnelAnswerLikeCloudflared() throws Exception {
        start(MetricsServer.builder(registry).address("127.0.0.1:0"));

        HttpResponse<String> health = get("/healthcheck");
        HttpResponse<String> quick = get("/quicktunnel");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("OK\n");
        assertThat(quick.statusCode()).isEqualTo(200);
        assertThat(quick.body()).isEqualTo("{\"hostname\":\"\"}");
    }

    @Test
    void configServesTheVersionedJsonOr500WhenItFails() throws Exception {
        String json = "{\"version\":3,\"config\":{\"ingress\":[{\"service\":\"http_status:404\"}]}}";
        boolean[] fail = {false};
        start(MetricsServer.builder(registry).address("127.0.0.1:0").config(() -> {
            if (fail[0]) {
                throw new IllegalStateException("no config yet");
            }
            return json;
        }));

        HttpResponse<String> ok = get("/config");
        fail[0] = true;
        HttpResponse<String> failed = get("/config");

        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo(json);
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(failed.body()).isEqualTo("ERR: no config yet");
    }

    @Test
    void unknownPathsAndAbsentSourcesAre404() throws Exception {
        start(MetricsServer.builder(registry).address("127.0.0.1:0"));

        for (String path : List.of("/", "/nope", "/metrics/extra", "/ready", "/config")) {
            HttpResponse<String> response = get(path);

            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).isEqualTo("404 page not found\n");
        }
    }

    @Test
    void defaultAddressTakesTheFirstFreeKnownAddress() throws Exception {
        try (ServerSocket first = occupy(); ServerSocket second = occupy()) {
            int free = freePort();
            List<String> known = List.of(loopback(first.getLocalPort()), loopback(second.getLocalPort()),
                    loopback(free));

            start(MetricsServer.builder(registry).knownAddresses(known));

            assertThat(server.localAddress().getPort()).isEqualTo(free);
            assertThat(get("/healthcheck").body()).isEqualTo("OK\n");
        }
    }

    @Test
    void defaultAddressFallsBackToAnyFreePortWhenAllKnownAreTaken() throws Exception {
        try (ServerSocket first = occupy(); ServerSocket second = occupy()) {
            List<String> known = List.of(loopback(first.getLocalPort()), loopback(second.getLocalPort()));

            start(MetricsServer.builder(registry).knownAddresses(known));

            assertThat(server.localAddress().getPort())
                    .isPositive()
                    .isNotIn(first.getLocalPort(), second.getLocalPort());
            assertThat(server.localAddress().getAddress().isLoopbackAddress()).isTrue();
        }
    }

    @Test
    void explicitAddressThatIsTakenFailsNamingTheAddress() throws Exception {
        try (ServerSocket taken = occupy()) {
            String address = loopback(taken.getLocalPort());
            MetricsServer failing = MetricsServer.builder(registry).address(address).build();
            try {
                assertThatThrownBy(failing::start)
                        .isInstanceOf(MetricsServerException.class)
                        .hasMessageStartingWith("failed to bind to address (" + address + "): ");
            } finally {
                failing.close();
            }
        }
    }

    @Test
    void malformedAddressesAreRejectedAtBuild() {
        assertThatThrownBy(() -> MetricsServer.builder(registry).address("localhost").build())
                .isInstanceOf(MetricsServerException.class).hasMessageContaining("\"localhost\" needs a port");
        assertThatThrownBy(() -> MetricsServer.builder(registry).address("localhost:http").build())
                .hasMessageContaining("invalid port \"http\"");
        assertThatThrownBy(() -> MetricsServer.builder(registry).address("localhost:70000").build())
                .hasMessageContaining("outside 0-65535");
        assertThatThrownBy(() -> MetricsServer.builder(registry).address("::1:8080").build())
                .hasMessageContaining("brackets");
    }

    @Test
    void addressesAreLoggedInGoForm() {
        assertThat(MetricsServer.format(new InetSocketAddress(InetAddress.getLoopbackAddress(), 20241)))
                .isEqualTo("127.0.0.1:20241");
        assertThat(MetricsServer.format(MetricsServer.parse("[::1]:20241"))).isEqualTo("[::1]:20241");
        assertThat(MetricsServer.parse(":9000").getAddress().isAnyLocalAddress()).isTrue();
    }

    @Test
    void startingTwiceIsRefused() {
        start(MetricsServer.builder(registry).address("127.0.0.1:0"));

        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already started");
    }

    private void start(MetricsServer.Builder builder) {
        server = builder.build();
        server.start();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + server.localAddress().getPort() + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static ServerSocket occupy() throws IOException {
        return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    /** A port that was free a moment ago; good enough on a loopback interface nothing else races for. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = occupy()) {
            return socket.getLocalPort();
        }
    }

    private static String loopback(int port) {
        return "127.0.0.1:" + port;
    }
}
