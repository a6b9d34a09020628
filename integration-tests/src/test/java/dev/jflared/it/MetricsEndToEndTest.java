package dev.jflared.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.Tunnel;
import dev.jflared.TunnelConnection;
import dev.jflared.testkit.LocalEdge;
import dev.jflared.testkit.Registration;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 end to end: the metrics server of a running tunnel ({@link Tunnel} with a metrics address on port 0)
 * against a {@link LocalEdge}: cloudflared's request metrics after a known sequence of requests, and {@code /ready}
 * (and {@code tunnel ready} of the real jar) before registration, when serving, after a lost connection and during
 * shutdown.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MetricsEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int HA = 2;

    @TempDir
    Path dir;

    /** While closed, the edge refuses every registration with a retry: the tunnel cannot become ready. */
    private final AtomicBoolean gateOpen = new AtomicBoolean();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private LoopbackOrigin origin;
    private LocalEdge edge;
    private Tunnel tunnel;
    private URI metrics;

    @BeforeEach
    void start() throws Exception {
        origin = new LoopbackOrigin();
        edge = LocalEdge.builder().listen(TunnelEndToEndTest.haEdgeAddresses(HA))
                .registrationError(registration -> !gateOpen.get(), "gate closed by the test",
                        Duration.ofMillis(200), true)
                .build().start();
        int unreachable;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            unreachable = closed.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("config.yml"), "ingress:\n"
                + "  - path: ^/missing\n"
                + "    service: http_status:404\n"
                + "  - path: ^/down\n"
                + "    service: http://127.0.0.1:" + unreachable + "\n"
                + "  - service: " + origin.url() + "\n");
        tunnel = TestOrigins.tunnelFor(edge).haConnections(HA).retries(100).config(config)
                .metricsAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).start();
        InetSocketAddress address = tunnel.metricsAddress().orElseThrow();
        metrics = URI.create("http://127.0.0.1:" + address.getPort());
    }

    @AfterEach
    void stop() {
        gateOpen.set(true);
        tunnel.close();
        edge.close();
        origin.close();
    }

    @Test
    void requestMetricsCountAKnownSequenceAsCloudflaredDoes() throws Exception {
        openGateAndAwaitConnections();

        List<Integer> statuses = new ArrayList<>();
        for (String path : List.of("/hello", "/hello", "/hello", "/missing", "/down")) {
            statuses.add(client.send(eyeball(path), BodyHandlers.ofString()).statusCode());
        }
        String exposed = get("/metrics").body();

        // openGateAndAwaitConnections sent one 200 per connection before the sequence.
        assertThat(statuses).containsExactly(200, 200, 200, 404, 502);
        assertThat(exposed)
                .containsPattern("(?m)^cloudflared_tunnel_total_requests " + (HA + 5) + "(\\.0)?$")
                .containsPattern("(?m)^cloudflared_tunnel_response_by_code\\{status_code=\"200\"} " + (HA + 3)
                        + "(\\.0)?$")
                .containsPattern("(?m)^cloudflared_tunnel_response_by_code\\{status_code=\"502\"} 1(\\.0)?$")
                .containsPattern("(?m)^cloudflared_tunnel_response_by_code\\{status_code=\"404\"} 1(\\.0)?$")
                .containsPattern("(?m)^cloudflared_tunnel_request_errors 1(\\.0)?$")
                .containsPattern("(?m)^cloudflared_tunnel_concurrent_requests_per_tunnel 0(\\.0)?$")
                .containsPattern("(?m)^cloudflared_tunnel_ha_connections " + HA + "(\\.0)?$")
                // The QUIC transport read each connection's figures at its handshake, before it registered.
                .containsPattern("(?m)^quic_client_sent_bytes\\{conn_index=\"0\"} [1-9]")
                .containsPattern("(?m)^quic_client_sent_bytes\\{conn_index=\"1\"} [1-9]");
    }

    @Test
    void readyFollowsRegistrationALostConnectionAndShutdown() throws Exception {
        Optional<Registration> refused = edge.takeRegistration(WAIT);
        HttpResponse<String> beforeRegistration = get("/ready");
        int readyCommandBefore = readyCommandExitCode("before");

        openGateAndAwaitConnections();
        HttpResponse<String> serving = get("/ready");
        int readyCommandServing = readyCommandExitCode("serving");

        gateOpen.set(false);
        edge.dropConnection(1);
        // The connector noticed the loss once it tries to register index 1 again (and is refused).
        Optional<Registration> retry = refusedRetryOfConnection(1);
        HttpResponse<String> afterDrop = get("/ready");

        assertThat(refused).isPresent();
        assertThat(refused.get().cause()).contains("gate closed by the test");
        assertThat(beforeRegistration.statusCode()).isEqualTo(503);
        assertThat(beforeRegistration.body()).contains("\"readyConnections\":0");
        assertThat(readyCommandBefore).isEqualTo(1);
        assertThat(serving.statusCode()).isEqualTo(200);
        assertThat(serving.body()).contains("\"status\":200", "\"readyConnections\":" + HA,
                "\"connectorId\":\"" + tunnel.connectorId() + "\"");
        assertThat(readyCommandServing).isZero();
        assertThat(retry).isPresent();
        assertThat(retry.get().connIndex()).isEqualTo(1);
        assertThat(afterDrop.statusCode()).isEqualTo(200);
        assertThat(afterDrop.body()).contains("\"readyConnections\":" + (HA - 1));
    }

    /**
     * A connection whose control stream stops answering while QUIC still carries its packets (cloudflared issues 1300
     * and 1633: {@code /ready} said 200 for a wedged connection) stops counting at once: its keep-alive fails, it is
     * closed as lost and the connector tries that index again.
     */
    @Test
    void aConnectionWhoseControlStreamStallsStopsCountingAsReady() throws Exception {
        openGateAndAwaitConnections();
        gateOpen.set(false);

        edge.stallControlStream(1);
        Optional<Registration> retry = refusedRetryOfConnection(1);
        HttpResponse<String> afterStall = get("/ready");

        assertThat(retry).isPresent();
        assertThat(afterStall.statusCode()).isEqualTo(200);
        assertThat(afterStall.body()).contains("\"readyConnections\":" + (HA - 1));
        assertThat(tunnel.connections()).extracting(TunnelConnection::index).containsExactly(0);
    }

    @Test
    void readyIsUnavailableOnceShutdownBegins() throws Exception {
        openGateAndAwaitConnections();
        CompletableFuture<HttpResponse<String>> slow = client.sendAsync(eyeball("/slow"), BodyHandlers.ofString());
        assertThat(origin.awaitSlowStarted(WAIT.toSeconds())).isTrue();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(tunnel::close);
        for (int i = 0; i < HA; i++) {
            assertThat(edge.takeEvent("unregister", WAIT)).isPresent();
        }
        HttpResponse<String> draining = get("/ready");
        origin.releaseSlow();
        HttpResponse<String> response = slow.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(draining.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("slow done");
    }

    private void openGateAndAwaitConnections() throws Exception {
        gateOpen.set(true);
        tunnel.awaitReady(WAIT);
        edge.awaitConnections(HA, WAIT);
        // One request per connection (the edge routes round robin): each has answered, so each counts as ready.
        for (int i = 0; i < HA; i++) {
            assertThat(client.send(eyeball("/hello"), BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    /**
     * The first refused registration of {@code connIndex} after its accepted one, skipping the others (refusals
     * before the gate opened, other connections).
     */
    private Optional<Registration> refusedRetryOfConnection(int connIndex) throws InterruptedException {
        boolean accepted = false;
        while (true) {
            Optional<Registration> next = edge.takeRegistration(WAIT);
            if (next.isEmpty()) {
                return next;
            }
            if (next.get().connIndex() == connIndex) {
                if (next.get().cause().isEmpty()) {
                    accepted = true;
                } else if (accepted) {
                    return next;
                }
            }
        }
    }

    private int readyCommandExitCode(String name) throws Exception {
        Path runDir = Files.createDirectories(dir.resolve("ready-" + name));
        try (JflaredProcess ready = JflaredProcess.start(runDir, "tunnel", "--metrics",
                metrics.getHost() + ":" + metrics.getPort(), "ready")) {
            return ready.awaitExit(WAIT.toSeconds());
        }
    }

    private HttpRequest eyeball(String path) {
        return HttpRequest.newBuilder(edge.eyeballUri(path)).timeout(WAIT).build();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(metrics.resolve(path)).timeout(WAIT).build(),
                BodyHandlers.ofString());
    }
}
