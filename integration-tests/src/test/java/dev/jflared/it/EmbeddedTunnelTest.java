package dev.jflared.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jflared.Tunnel;
import dev.jflared.TunnelConnection;
import dev.jflared.TunnelNotReadyException;
import dev.jflared.config.TunnelCredentials;
import dev.jflared.ingress.Ingress;
import dev.jflared.quic.QuicEdgeTransport;
import dev.jflared.testkit.LocalEdge;
import dev.jflared.transport.Protocol;
import dev.jflared.transport.RegistrationRejectedException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EmbeddedTunnelTest {

    private static final Duration READY = Duration.ofSeconds(60);

    @Test
    void inProcessHandlerAnswersEyeballRequests() throws Exception {
        try (LocalEdge edge = LocalEdge.builder().location("TEST1").build().start();
                Tunnel tunnel = TestOrigins.tunnelFor(edge).handler(TestOrigins.text("hello")).start()) {
            tunnel.awaitReady(READY);

            Eyeball.Response response = Eyeball.get(edge.eyeballUri("/hi"));

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello");
            List<TunnelConnection> connections = tunnel.connections();
            assertThat(connections).hasSize(1);
            assertThat(connections.get(0).index()).isZero();
            assertThat(connections.get(0).location()).isEqualTo("TEST1");
            assertThat(connections.get(0).protocol()).isEqualTo(Protocol.QUIC);
            assertThat(connections.get(0).edgeAddress()).isEqualTo(edge.connectorAddresses().get(0));
            assertThat(edge.registrations().get(0).toString()).contains(tunnel.connectorId().toString());
        }
    }

    @Test
    void twoTunnelsInOneJvmEachServeTheirOwnHandler() throws Exception {
        try (LocalEdge first = LocalEdge.builder().build().start();
                LocalEdge second = LocalEdge.builder().build().start();
                Tunnel a = TestOrigins.tunnelFor(first).handler(TestOrigins.text("from a")).start();
                Tunnel b = TestOrigins.tunnelFor(second).handler(TestOrigins.text("from b")).start()) {
            a.awaitReady(READY);
            b.awaitReady(READY);

            Eyeball.Response viaFirst = Eyeball.get(first.eyeballUri("/"));
            Eyeball.Response viaSecond = Eyeball.get(second.eyeballUri("/"));

            assertThat(viaFirst.body()).isEqualTo("from a");
            assertThat(viaSecond.body()).isEqualTo("from b");
            assertThat(a.connectorId()).isNotEqualTo(b.connectorId());
            assertThat(first.activeConnections()).hasSize(1);
            assertThat(second.activeConnections()).hasSize(1);
        }
    }

    @Test
    void updateIngressUnderLoadFailsNoRequest() throws Exception {
        Ingress toA = Tunnel.singleOrigin("a");
        Ingress toB = Tunnel.singleOrigin("b");
        try (LocalEdge edge = LocalEdge.builder().build().start();
                Tunnel tunnel = TestOrigins.tunnelFor(edge)
                        .inProcessOrigin("a", TestOrigins.text("a"))
                        .inProcessOrigin("b", TestOrigins.text("b"))
                        .ingress(toA)
                        .start()) {
            tunnel.awaitReady(READY);
            AtomicInteger failures = new AtomicInteger();
            AtomicInteger served = new AtomicInteger();
            Semaphore progress = new Semaphore(0);
            int requests = 200;
            CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < requests; i++) {
                    try {
                        Eyeball.Response response = Eyeball.get(edge.eyeballUri("/n" + i));
                        if (response.status() != 200 || !(response.body().equals("a")
                                || response.body().equals("b"))) {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                    served.incrementAndGet();
                    progress.release();
                }
            });

            int swaps = 0;
            for (int round = 0; round < 8; round++) {
                // Swap every 20 answered requests, while the client keeps going.
                assertThat(progress.tryAcquire(requests / 10, 120, TimeUnit.SECONDS)).isTrue();
                tunnel.updateIngress(round % 2 == 0 ? toB : toA);
                swaps++;
            }
            load.get(120, TimeUnit.SECONDS);

            assertThat(failures.get()).isZero();
            assertThat(served.get()).isEqualTo(requests);
            assertThat(swaps).isEqualTo(8);
            assertThat(tunnel.ingress()).isEqualTo(toA);
        }
    }

    @Test
    void awaitReadyFailsWithTheEdgesCauseWhenCredentialsAreRejected() throws Exception {
        try (LocalEdge edge = LocalEdge.builder().build().start()) {
            TunnelCredentials wrong = new TunnelCredentials(edge.credentials().accountTag(), new byte[32],
                    edge.credentials().tunnelId(), Optional.empty());
            try (Tunnel tunnel = TestOrigins.tunnelFor(edge).credentials(wrong).handler(TestOrigins.text("x"))
                    .start()) {

                assertThatThrownBy(() -> tunnel.awaitReady(READY))
                        .isInstanceOf(TunnelNotReadyException.class)
                        .hasMessageContaining("Unauthorized")
                        .hasCauseInstanceOf(RegistrationRejectedException.class);
                assertThat(tunnel.stopped()).isCompletedExceptionally();
            }
        }
    }

    @Test
    void noTransportNamesTheArtifactToAdd() {
        assertThatThrownBy(() -> Tunnel.builder()
                .credentials(new TunnelCredentials("acct", new byte[32], UUID.randomUUID(), Optional.empty()))
                .edge(new InetSocketAddress("127.0.0.1", 7844))
                .handler(TestOrigins.text("x"))
                .transports()
                .start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dev.jflared:transport-quic");
    }

    @Test
    void missingHttp2TransportNamesItsArtifact() {
        assertThatThrownBy(() -> Tunnel.builder()
                .credentials(new TunnelCredentials("acct", new byte[32], UUID.randomUUID(), Optional.empty()))
                .edge(new InetSocketAddress("127.0.0.1", 7844))
                .handler(TestOrigins.text("x"))
                .transports(new QuicEdgeTransport())
                .protocol(Protocol.HTTP2)
                .start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dev.jflared:transport-http2");
    }

    @Test
    void metricsServerReportsReadinessWhenAsked() throws Exception {
        try (LocalEdge edge = LocalEdge.builder().build().start();
                Tunnel tunnel = TestOrigins.tunnelFor(edge).handler(TestOrigins.text("x"))
                        .metricsAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).start()) {
            tunnel.awaitReady(READY);
            InetSocketAddress metrics = tunnel.metricsAddress().orElseThrow();

            Eyeball.Response ready = Eyeball.get(URI.create("http://127.0.0.1:" + metrics.getPort() + "/ready"));

            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.body()).contains("\"readyConnections\":1").contains(tunnel.connectorId().toString());
        }
    }

    @Test
    void noMetricsServerByDefault() throws Exception {
        try (LocalEdge edge = LocalEdge.builder().build().start();
                Tunnel tunnel = TestOrigins.tunnelFor(edge).handler(TestOrigins.text("x")).start()) {
            tunnel.awaitReady(READY);

            assertThat(tunnel.metricsAddress()).isEmpty();
        }
    }

    @Test
    void closeIsIdempotentAndCloseNowAfterCloseDoesNothing() throws Exception {
        try (LocalEdge edge = LocalEdge.builder().build().start()) {
            Tunnel tunnel = TestOrigins.tunnelFor(edge).handler(TestOrigins.text("x")).start();
            tunnel.awaitReady(READY);

            tunnel.close();
            tunnel.close();
            tunnel.closeNow();

            assertThat(tunnel.stopped()).isCompleted();
            assertThat(edge.takeEvent("unregister", Duration.ofSeconds(30))).isPresent();
        }
    }
}
