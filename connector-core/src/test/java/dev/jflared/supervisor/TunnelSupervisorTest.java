package dev.jflared.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jflared.config.TunnelCredentials;
import dev.jflared.edge.EdgeAddress;
import dev.jflared.edge.EdgeAddressPool;
import dev.jflared.edge.EdgeTrust;
import dev.jflared.ingress.IngressParser;
import dev.jflared.ingress.OriginRequestConfig;
import dev.jflared.metrics.CloudflaredMetrics;
import dev.jflared.metrics.ConnectionMetrics;
import dev.jflared.metrics.MetricRegistry;
import dev.jflared.orchestration.Orchestrator;
import dev.jflared.orchestration.TunnelServices;
import dev.jflared.proxy.OriginProxy;
import dev.jflared.supervisor.FakeTransport.Attempt;
import dev.jflared.supervisor.FakeTransport.FakeConnection;
import dev.jflared.transport.EdgeConnection;
import dev.jflared.transport.EdgeTransports;
import dev.jflared.transport.Protocol;
import dev.jflared.transport.RegistrationRejectedException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The supervisor's real logic against an in-memory transport, a hand-driven timer and a fixed clock. */
@Timeout(30)
class TunnelSupervisorTest {

    private static final TunnelCredentials CREDENTIALS = new TunnelCredentials("0123456789abcdef0123456789abcdef",
            new byte[32], UUID.fromString("11111111-2222-3333-4444-555555555555"), Optional.empty());
    private static final Duration LONGEST_FIRST_WAIT = Duration.ofSeconds(2);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ManualTimer timer = new ManualTimer();
    private final FakeTransport quic = new FakeTransport(Protocol.QUIC);
    private final FakeTransport http2 = new FakeTransport(Protocol.HTTP2);
    private final Events events = new Events();
    private final MetricRegistry registry = new MetricRegistry();
    private final CloudflaredMetrics metrics = CloudflaredMetrics.register(registry, "test", "now");
    private final OriginProxy proxy = OriginProxy.builder()
            .ingress(() -> IngressParser.defaultIngress(OriginRequestConfig.DEFAULTS)).build();
    private TunnelSupervisor supervisor;

    @AfterEach
    void tearDown() throws Exception {
        if (supervisor != null) {
            supervisor.shutdownNow().handle((v, e) -> null).get(5, TimeUnit.SECONDS);
        }
        proxy.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private static List<EdgeAddress> addresses(int count) throws UnknownHostException {
        List<EdgeAddress> addresses = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            addresses.add(EdgeAddress.of(InetAddress.getByName("198.41.200." + i), 7844));
        }
        return addresses;
    }

    private TunnelSupervisorBuilder builder(int haConnections, int edgeAddresses) throws UnknownHostException {
        return builderWithoutMetrics(haConnections, edgeAddresses).metrics(metrics);
    }

    private TunnelSupervisorBuilder builderWithoutMetrics(int haConnections, int edgeAddresses)
            throws UnknownHostException {
        Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
        TunnelServices services = new TunnelServices(proxy, Orchestrator.builder()
                .ingress(IngressParser.defaultIngress(OriginRequestConfig.DEFAULTS)).build());
        return TunnelSupervisor.builder()
                .credentials(CREDENTIALS)
                .haConnections(haConnections)
                .protocol(ProtocolChoice.QUIC)
                .transports(EdgeTransports.of(quic, http2))
                .trust(EdgeTrust.cloudflareRoots())
                .edgeAddresses(EdgeAddressPool.ofStaticAddresses(addresses(edgeAddresses), clock))
                .eventLoopGroup(group)
                .registrationInterval(Duration.ZERO)
                .clock(clock)
                .random(new SplittableRandom(7))
                .timer(timer)
                .services(services)
                .listener(events);
    }

    /** Starts {@code count} connections and registers each, connection 0 first as cloudflared does. */
    private List<FakeConnection> registerAll(int count) throws InterruptedException {
        List<FakeConnection> connections = new ArrayList<>();
        Attempt first = quic.nextAttempt();
        assertThat(first.connIndex()).isZero();
        connections.add(first.register("lhr01"));
        events.await("registered 0");
        for (int i = 1; i < count; i++) {
            Attempt attempt = quic.nextAttempt();
            connections.add(attempt.register("lhr0" + (attempt.connIndex() % 2 + 1)));
            events.await("registered " + attempt.connIndex());
        }
        connections.sort((a, b) -> Integer.compare(a.connIndex(), b.connIndex()));
        return connections;
    }

    @Test
    void connectionZeroRegistersBeforeTheOthersStartAndAllAnnounceNoPreviousAttempts() throws Exception {
        supervisor = builder(4, 4).build();

        supervisor.start();
        Attempt first = quic.nextAttempt();
        quic.assertNoAttempt();
        first.register("lhr01");
        List<Attempt> others = List.of(quic.nextAttempt(), quic.nextAttempt(), quic.nextAttempt());

        assertThat(first.connIndex()).isZero();
        assertThat(others).extracting(Attempt::connIndex).containsExactlyInAnyOrder(1, 2, 3);
        assertThat(others).extracting(Attempt::previousAttempts).containsOnly(0);
        assertThat(first.previousAttempts()).isZero();
        Set<EdgeAddress> used = new HashSet<>();
        used.add(first.address());
        others.forEach(attempt -> used.add(attempt.address()));
        assertThat(used).hasSize(4);
        assertThat(first.request().registration().connectorId()).isEqualTo(supervisor.connectorId());
    }

    @Test
    void registeredConnectionsCountAsReadyAndInMetrics() throws Exception {
        supervisor = builder(4, 4).build();
        supervisor.start();

        registerAll(4);

        assertThat(supervisor.readyConnections()).isEqualTo(4);
        assertThat(registry.scrape()).contains("cloudflared_tunnel_ha_connections 4")
                .contains("cloudflared_tunnel_tunnel_register_success{rpcName=\"registerConnection\"} 4")
                .contains("cloudflared_tunnel_server_locations{connection_id=\"0\",edge_location=\"lhr01\"} 1");
    }

    @Test
    void eachAttemptReportsIntoTheMetricsOfItsConnectionIndex() throws Exception {
        supervisor = builder(2, 2).build();
        supervisor.start();
        Attempt first = quic.nextAttempt();
        first.register("lhr01");
        Attempt second = quic.nextAttempt();

        for (Attempt attempt : List.of(first, second)) {
            attempt.request().metrics().quic().orElseThrow().sentBytes(100L + attempt.connIndex());
            attempt.request().metrics().localConfigPush(attempt.connIndex() == 0);
        }

        assertThat(second.connIndex()).isEqualTo(1);
        assertThat(registry.scrape()).contains("quic_client_sent_bytes{conn_index=\"0\"} 100\n",
                "quic_client_sent_bytes{conn_index=\"1\"} 101\n", "\ncloudflared_config_local_config_pushes 2\n",
                "\ncloudflared_config_local_config_pushes_errors 1\n");
    }

    @Test
    void withoutMetricsConnectionsRecordNothing() throws Exception {
        supervisor = builderWithoutMetrics(1, 1).build();
        supervisor.start();

        Attempt attempt = quic.nextAttempt();

        assertThat(attempt.request().metrics()).isSameAs(ConnectionMetrics.none());
        assertThat(attempt.request().metrics().quic()).isEmpty();
    }

    @Test
    void readinessCountsOnlyServingConnections() throws Exception {
        supervisor = builder(2, 2).build();
        supervisor.start();
        List<FakeConnection> connections = registerAll(2);

        connections.get(1).serving(false);

        assertThat(supervisor.readyConnections()).isEqualTo(1);
    }

    @Test
    void lostConnectionReconnectsAloneWithOnePreviousAttemptAtAnotherAddress() throws Exception {
        supervisor = builder(4, 5).build();
        supervisor.start();
        List<FakeConnection> connections = registerAll(4);
        FakeConnection lost = connections.get(2);

        lost.lose(new IOException("timeout: no recent network activity"));
        events.await("retrying 2");
        assertThat(supervisor.readyConnections()).isEqualTo(3);
        timer.advance(LONGEST_FIRST_WAIT);
        Attempt again = quic.nextAttempt();

        assertThat(again.connIndex()).isEqualTo(2);
        assertThat(again.previousAttempts()).isEqualTo(1);
        assertThat(again.address()).isNotEqualTo(lost.address());
        quic.assertNoAttempt();
        for (FakeConnection other : List.of(connections.get(0), connections.get(1), connections.get(3))) {
            assertThat(other.closeCalled).isNotDone();
            assertThat(other.shutdownRequested).isNotDone();
        }
        again.register("lhr02");
        events.await("registered 2");
        assertThat(supervisor.readyConnections()).isEqualTo(4);
    }

    @Test
    void failedDialMovesToAnotherAddressAndCountsTheAttempts() throws Exception {
        supervisor = builder(1, 2).build();
        supervisor.start();
        Attempt first = quic.nextAttempt();

        first.fail(new IOException("connection refused"));
        events.await("retrying 0");
        timer.advance(LONGEST_FIRST_WAIT);
        Attempt second = quic.nextAttempt();
        second.fail(new IOException("connection refused"));
        events.await("retrying 0");
        timer.advance(Duration.ofSeconds(4));
        Attempt third = quic.nextAttempt();

        assertThat(second.address()).isNotEqualTo(first.address());
        assertThat(List.of(first, second, third)).extracting(Attempt::previousAttempts).containsExactly(0, 1, 2);
    }

    @Test
    void rejectionWithoutRetryStopsEverythingWithTheCauseAfterOneAttempt() throws Exception {
        supervisor = builder(4, 4).build();
        CompletableFuture<Void> stopped = supervisor.start();
        RegistrationRejectedException refused = new RegistrationRejectedException(
                "Unauthorized: refedge rejected registration (mismatched tunnel secret)", Duration.ZERO, false);

        quic.nextAttempt().fail(refused);

        assertThatThrownBy(() -> stopped.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isSameAs(refused);
        timer.advance(Duration.ofMinutes(10));
        quic.assertNoAttempt();
        assertThat(registry.scrape()).contains(
                "cloudflared_tunnel_tunnel_register_fail{error=\"server_error\",rpcName=\"registerConnection\"} 1");
    }

    @Test
    void rejectionWithRetryAfterWaitsAtLeastThatLong() throws Exception {
        supervisor = builder(1, 1).build();
        supervisor.start();

        quic.nextAttempt().fail(new RegistrationRejectedException("edge busy", Duration.ofSeconds(30), true));
        events.await("retrying 0");
        timer.advance(Duration.ofSeconds(29));
        quic.assertNoAttempt();
        timer.advance(Duration.ofSeconds(2));
        Attempt retried = quic.nextAttempt();

        assertThat(retried.previousAttempts()).isEqualTo(1);
        assertThat(events.delays).last().isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void failuresBeyondRetriesGoOnWithTheWaitNoLongerGrowing() throws Exception {
        supervisor = builder(1, 1).retries(2).build();
        supervisor.start();
        List<Integer> previous = new ArrayList<>();

        for (int i = 0; i < 5; i++) {
            Attempt attempt = quic.nextAttempt();
            previous.add(attempt.previousAttempts());
            attempt.fail(new IOException("network is unreachable"));
            events.await("retrying 0");
            timer.advance(Duration.ofSeconds(4));
        }

        assertThat(previous).containsExactly(0, 1, 2, 2, 2);
        assertThat(events.delays).allSatisfy(delay -> assertThat(delay).isLessThan(Duration.ofSeconds(4)));
        assertThat(supervisor.terminationFuture()).isNotDone();
    }

    @Test
    void autoFallsBackToHttp2WhenQuicKeepsFailingToConnect() throws Exception {
        supervisor = builder(1, 2).protocol(ProtocolChoice.AUTO).maxEdgeAddrRetries(2).build();
        supervisor.start();

        for (int i = 0; i < 3; i++) {
            quic.nextAttempt().fail(new IOException("timeout: no recent network activity"));
            events.await("retrying 0");
            timer.advance(Duration.ofSeconds(8));
        }
        Attempt overHttp2 = http2.nextAttempt();

        assertThat(supervisor.initialProtocol()).isEqualTo(Protocol.QUIC);
        assertThat(events.all).contains("protocol 0 http2");
        assertThat(overHttp2.previousAttempts()).isZero();
        overHttp2.register("lhr01");
        events.await("registered 0");
        quic.assertNoAttempt();
    }

    @Test
    void fixedProtocolNeverFallsBack() throws Exception {
        supervisor = builder(1, 2).protocol(ProtocolChoice.QUIC).maxEdgeAddrRetries(0).build();
        supervisor.start();

        for (int i = 0; i < 3; i++) {
            quic.nextAttempt().fail(new IOException("timeout: no recent network activity"));
            events.await("retrying 0");
            timer.advance(Duration.ofSeconds(8));
        }

        quic.nextAttempt();
        http2.assertNoAttempt();
    }

    @Test
    void gracefulShutdownDrainsEveryConnectionAndCompletesWhenTheyAreDone() throws Exception {
        supervisor = builder(2, 2).build();
        CompletableFuture<Void> stopped = supervisor.start();
        List<FakeConnection> connections = registerAll(2);

        supervisor.shutdown(Duration.ofSeconds(10));
        assertThat(connections.get(0).shutdownRequested.get(5, TimeUnit.SECONDS)).isEqualTo(Duration.ofSeconds(10));
        assertThat(connections.get(1).shutdownRequested.get(5, TimeUnit.SECONDS)).isEqualTo(Duration.ofSeconds(10));
        connections.get(0).finishShutdown();
        events.await("unregistered 0");
        assertThat(stopped).isNotDone();
        connections.get(1).finishShutdown();

        stopped.get(5, TimeUnit.SECONDS);
        assertThat(events.all).contains("unregistered 1");
        assertThat(connections).allSatisfy(c -> assertThat(c.closeCalled).isNotDone());
        quic.assertNoAttempt();
        assertThat(registry.scrape()).contains("cloudflared_tunnel_ha_connections 0");
    }

    @Test
    void connectionsStillDrainingWhenTheGracePeriodEndsAreClosed() throws Exception {
        supervisor = builder(2, 2).build();
        CompletableFuture<Void> stopped = supervisor.start();
        List<FakeConnection> connections = registerAll(2);
        supervisor.shutdown(Duration.ofSeconds(10));
        connections.get(0).shutdownRequested.get(5, TimeUnit.SECONDS);
        connections.get(1).shutdownRequested.get(5, TimeUnit.SECONDS);

        timer.advance(Duration.ofSeconds(10));

        stopped.get(5, TimeUnit.SECONDS);
        assertThat(connections).allSatisfy(c -> assertThat(c.closeCalled).isDone());
    }

    @Test
    void secondShutdownClosesEverythingAtOnce() throws Exception {
        supervisor = builder(2, 2).build();
        CompletableFuture<Void> stopped = supervisor.start();
        List<FakeConnection> connections = registerAll(2);
        supervisor.shutdown(Duration.ofSeconds(30));
        connections.get(0).shutdownRequested.get(5, TimeUnit.SECONDS);

        supervisor.shutdown(Duration.ofSeconds(30));

        stopped.get(5, TimeUnit.SECONDS);
        assertThat(connections).allSatisfy(c -> assertThat(c.closeCalled).isDone());
    }

    @Test
    void shutdownWhileWaitingToRetryStopsWithoutAnotherAttempt() throws Exception {
        supervisor = builder(1, 1).build();
        CompletableFuture<Void> stopped = supervisor.start();
        quic.nextAttempt().fail(new IOException("connection refused"));
        events.await("retrying 0");

        supervisor.shutdown(Duration.ofSeconds(30));

        stopped.get(5, TimeUnit.SECONDS);
        timer.advance(Duration.ofMinutes(1));
        quic.assertNoAttempt();
    }

    @Test
    void haConnectionsAreCappedAtTheEdgeAddressesAvailable() throws Exception {
        supervisor = builder(4, 2).build();
        supervisor.start();

        registerAll(2);

        quic.assertNoAttempt();
        assertThat(supervisor.readyConnections()).isEqualTo(2);
    }

    @Test
    void missingTransportForTheChosenProtocolIsRefusedAtBuild() throws Exception {
        TunnelSupervisorBuilder onlyQuic = builder(1, 1).protocol(ProtocolChoice.HTTP2)
                .transports(EdgeTransports.of(quic));

        assertThatThrownBy(onlyQuic::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("transport-http2");
    }

    /** Records listener events as short strings, and the retry delays. */
    static final class Events implements SupervisorListener {
        final List<String> all = new CopyOnWriteArrayList<>();
        final List<Duration> delays = new CopyOnWriteArrayList<>();
        private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();

        private void add(String event) {
            all.add(event);
            queue.add(event);
        }

        /** Waits up to 5 s for an event starting with {@code prefix}, skipping the ones before it. */
        void await(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                String event = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (event != null && event.startsWith(prefix)) {
                    return;
                }
            }
            throw new AssertionError("no event \"" + prefix + "\" within 5 s; events: " + all);
        }

        @Override
        public void registered(EdgeConnection connection) {
            add("registered " + connection.connIndex());
        }

        @Override
        public void failed(int connIndex, Throwable cause) {
            add("failed " + connIndex);
        }

        @Override
        public void retrying(int connIndex, Duration delay) {
            delays.add(delay);
            add("retrying " + connIndex);
        }

        @Override
        public void protocolChanged(int connIndex, Protocol protocol) {
            add("protocol " + connIndex + " " + protocol);
        }

        @Override
        public void unregistered(EdgeConnection connection) {
            add("unregistered " + connection.connIndex());
        }
    }
}
