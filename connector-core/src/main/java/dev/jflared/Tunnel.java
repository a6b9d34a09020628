package dev.jflared;

import static java.util.Objects.requireNonNull;

import dev.jflared.config.ConfigLoader;
import dev.jflared.config.TunnelConfig;
import dev.jflared.config.WarpRoutingConfig;
import dev.jflared.edge.EdgeAddress;
import dev.jflared.edge.EdgeAddressPool;
import dev.jflared.edge.EdgeDiscovery;
import dev.jflared.ingress.Ingress;
import dev.jflared.ingress.IngressParser;
import dev.jflared.ingress.IngressRule;
import dev.jflared.ingress.OriginRequestConfig;
import dev.jflared.ingress.OriginService;
import dev.jflared.metrics.CloudflaredMetrics;
import dev.jflared.metrics.MetricRegistry;
import dev.jflared.metrics.MetricsServer;
import dev.jflared.metrics.ProxyEventMetrics;
import dev.jflared.orchestration.Orchestrator;
import dev.jflared.orchestration.TunnelServices;
import dev.jflared.proxy.InProcessOrigin;
import dev.jflared.proxy.OriginProxy;
import dev.jflared.supervisor.SupervisorListener;
import dev.jflared.supervisor.TunnelSupervisor;
import dev.jflared.supervisor.TunnelSupervisorBuilder;
import dev.jflared.transport.EdgeConnection;
import dev.jflared.transport.EdgeTransports;
import dev.jflared.transport.Protocol;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Cloudflare Tunnel served from inside this JVM: no {@code cloudflared} process, no binary, and with an
 * in-process handler not even a local port.
 *
 * <pre>{@code
 * try (JdkHttpHandlerOrigin origin = JdkHttpHandlerOrigin.of(exchange -> {
 *          byte[] body = "hello from my JVM\n".getBytes(StandardCharsets.UTF_8);
 *          exchange.sendResponseHeaders(200, body.length);
 *          exchange.getResponseBody().write(body);
 *          exchange.close();
 *      });
 *      Tunnel tunnel = Tunnel.builder()
 *              .credentialsFile(Path.of(System.getProperty("user.home"), ".cloudflared", "<tunnel-id>.json"))
 *              .handler(origin)
 *              .start()) {
 *     tunnel.awaitReady(Duration.ofSeconds(30));
 *     tunnel.connections().forEach(System.out::println);
 *     ...
 * }   // close(): unregister, drain up to the grace period, stop
 * }</pre>
 *
 * <h2>What runs</h2>
 * Exactly what {@code cloudflared tunnel run} runs, assembled from the same parts: the
 * {@link TunnelSupervisor} keeps {@code haConnections} connections to the edge through the transports on the
 * class path ({@code dev.jflared:transport-quic}, {@code dev.jflared:transport-http2}); every request goes
 * through the {@link OriginProxy} and the {@link Orchestrator}'s current ingress, to an in-process origin or any
 * service a config file may name ({@code http://localhost:8080}, {@code hello_world}, ...). The edge's
 * configuration pushes are applied as they are for cloudflared; {@link #updateIngress} swaps rules the same way.
 *
 * <h2>Lifecycle</h2>
 * {@link TunnelBuilder#start()} returns at once, connecting in the background. {@link #awaitReady} waits for a
 * serving connection, or fails with the reason the tunnel cannot serve. A connection that is lost is reconnected
 * with cloudflared's backoff; a registration the edge refuses for good (wrong credentials, deleted tunnel) stops
 * the tunnel ({@link #stopped()}). {@link #close()} unregisters every connection, lets requests in flight finish
 * within the grace period, then stops; {@link #closeNow()} stops at once. Both are idempotent and release every
 * thread and socket the tunnel made, including its event loop group when it made one.
 *
 * <h2>Many tunnels</h2>
 * No state is static: tunnels in the same JVM are independent, each with its own connector id, connections,
 * ingress and origins.
 *
 * <h2>Threads</h2>
 * Thread-safe. In-process origins are called on the edge connection's event loop and must not block it (the
 * adapters in {@code dev.jflared.embed} move blocking handlers to workers).
 */
public final class Tunnel implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(Tunnel.class);
    private static final Duration GROUP_STOP_TIMEOUT = Duration.ofSeconds(10);

    private final UUID connectorId;
    private final TunnelSupervisor supervisor;
    private final Orchestrator orchestrator;
    private final OriginProxy proxy;
    private final Map<String, InProcessOrigin> origins;
    private final MetricsServer metricsServer;
    private final EventLoopGroup group;
    private final boolean ownGroup;
    private final Duration gracePeriod;
    private final CompletableFuture<Void> termination;
    private final CompletableFuture<Void> firstReady = new CompletableFuture<>();
    private final Map<Integer, EdgeConnection> connections = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> lastError = new AtomicReference<>();
    private final Object closeLock = new Object();
    // Guarded by closeLock.
    private boolean closing;
    private boolean released;

    private Tunnel(Assembly parts) {
        this.connectorId = parts.connectorId;
        this.supervisor = parts.supervisor;
        this.orchestrator = parts.orchestrator;
        this.proxy = parts.proxy;
        this.origins = parts.origins;
        this.metricsServer = parts.metricsServer;
        this.group = parts.group;
        this.ownGroup = parts.ownGroup;
        this.gracePeriod = parts.gracePeriod;
        parts.listener.tunnel = this;
        this.termination = supervisor.start();
        termination.whenComplete((ignored, error) -> {
            if (error != null) {
                Throwable cause = unwrap(error);
                lastError.set(cause);
                firstReady.completeExceptionally(cause);
            } else {
                firstReady.completeExceptionally(new IllegalStateException("the tunnel was closed"));
            }
        });
    }

    /** A builder; see {@link TunnelBuilder} for what is required. */
    public static TunnelBuilder builder() {
        return new TunnelBuilder();
    }

    /**
     * A rule sending requests for {@code hostname} (empty or {@code *} for any) to the in-process origin
     * registered as {@code originName} ({@link TunnelBuilder#inProcessOrigin}); {@code index} is its position in the
     * list, from 0.
     */
    public static IngressRule inProcessRule(int index, String hostname, String originName) {
        requireNonNull(hostname, "hostname");
        requireNonNull(originName, "originName");
        return new IngressRule(index, hostname, Optional.<Pattern>empty(),
                new OriginService.InProcess("in-process:" + originName, originName), OriginRequestConfig.DEFAULTS);
    }

    /** One catch-all rule sending every request to the in-process origin {@code originName}. */
    public static Ingress singleOrigin(String originName) {
        return new Ingress(List.of(inProcessRule(0, "", originName)));
    }

    static Tunnel start(TunnelBuilder builder) {
        return new Tunnel(Assembly.of(builder));
    }

    /** This connector's id, announced by every connection (cloudflared's {@code Generated Connector ID}). */
    public UUID connectorId() {
        return connectorId;
    }

    /**
     * Waits until at least one connection is registered and serving.
     *
     * @return this tunnel
     * @throws TunnelNotReadyException when {@code timeout} passes first, or the tunnel stopped (a registration the
     *     edge refused for good, a failed edge discovery); its cause is the last error a connection met
     */
    public Tunnel awaitReady(Duration timeout) throws InterruptedException {
        requireNonNull(timeout, "timeout");
        if (supervisor.readyConnections() > 0) {
            return this;
        }
        try {
            firstReady.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            return this;
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e);
            throw new TunnelNotReadyException("the tunnel cannot serve: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            Throwable cause = lastError.get();
            throw new TunnelNotReadyException("no tunnel connection was ready within " + timeout
                    + (cause != null ? "; last error: " + cause : "; no connection error was reported"), cause);
        }
    }

    /** How many connections are registered and serving now. */
    public int readyConnections() {
        return supervisor.readyConnections();
    }

    /** The registered connections now, by index. */
    public List<TunnelConnection> connections() {
        List<TunnelConnection> out = new ArrayList<>();
        for (EdgeConnection connection : connections.values()) {
            out.add(new TunnelConnection(connection.connIndex(), connection.details().locationName(),
                    connection.protocol(), connection.address().socketAddress(), connection.details().uuid()));
        }
        out.sort(Comparator.comparingInt(TunnelConnection::index));
        return List.copyOf(out);
    }

    /**
     * Replaces the ingress rules, atomically and through the same path as a configuration the edge pushes
     * ({@link Orchestrator}): requests in flight finish with the rules they started with, later ones see the new
     * ones. Rules may name only in-process origins registered at build time.
     *
     * @throws IllegalArgumentException when a rule names an in-process origin that is not registered
     */
    public void updateIngress(Ingress ingress) {
        requireNonNull(ingress, "ingress");
        checkOrigins(ingress, origins);
        orchestrator.updateIngress(ingress);
    }

    /** The ingress rules in force now. */
    public Ingress ingress() {
        return orchestrator.currentIngress();
    }

    /** Where the metrics server listens, when {@link TunnelBuilder#metricsAddress} asked for one. */
    public Optional<InetSocketAddress> metricsAddress() {
        return metricsServer == null ? Optional.empty() : Optional.of(metricsServer.localAddress());
    }

    /**
     * Completes when the tunnel has stopped: normally after {@link #close()}, exceptionally with the cause when it
     * stopped by itself (a registration refused for good). Call {@link #close()} in either case to release it.
     */
    public CompletableFuture<Void> stopped() {
        return termination.copy();
    }

    /**
     * Begins a graceful stop and returns at once: every connection unregisters and requests in flight get up to the
     * grace period to finish. The returned future is {@link #stopped()}. Call {@link #close()} afterwards (it then
     * only waits and releases) or {@link #closeNow()} to cut the grace period short.
     */
    public CompletableFuture<Void> shutdown() {
        synchronized (closeLock) {
            if (!closing) {
                closing = true;
                supervisor.shutdown(gracePeriod);
            }
        }
        return stopped();
    }

    /**
     * Stops gracefully: every connection unregisters, requests in flight get up to the grace period to finish,
     * then everything the tunnel made is released. Blocks until done; idempotent.
     */
    @Override
    public void close() {
        stop(false);
    }

    /** Stops at once, resetting requests in flight, and releases everything. Blocks until done; idempotent. */
    public void closeNow() {
        stop(true);
    }

    private void stop(boolean now) {
        synchronized (closeLock) {
            if (released) {
                return;
            }
            if (now) {
                supervisor.shutdownNow();
            } else if (!closing) {
                supervisor.shutdown(gracePeriod);
            }
            closing = true;
        }
        termination.handle((ignored, error) -> null).join();
        synchronized (closeLock) {
            if (released) {
                return;
            }
            released = true;
            release();
        }
    }

    private void release() {
        proxy.close();
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (ownGroup && !group.shutdownGracefully(0, GROUP_STOP_TIMEOUT.toMillis() / 2, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(GROUP_STOP_TIMEOUT.toMillis())) {
            logger.warn("the tunnel's event loops did not stop within {}", GROUP_STOP_TIMEOUT);
        }
    }

    @Override
    public String toString() {
        return "Tunnel{connectorId=" + connectorId + ", connections=" + connections.keySet() + "}";
    }

    private static void checkOrigins(Ingress ingress, Map<String, InProcessOrigin> origins) {
        for (IngressRule rule : ingress.rules()) {
            if (rule.service() instanceof OriginService.InProcess inProcess
                    && !origins.containsKey(inProcess.name())) {
                throw new IllegalArgumentException("ingress rule " + rule.index() + " names in-process origin \""
                        + inProcess.name() + "\", which is not registered (registered: " + origins.keySet()
                        + "); add it with inProcessOrigin(name, origin)");
            }
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Tracks connections for {@link #connections()} and the last error for {@link #awaitReady}. */
    private static final class Tracker implements SupervisorListener {

        private volatile Tunnel tunnel;

        @Override
        public void registered(EdgeConnection connection) {
            Tunnel t = tunnel;
            t.connections.put(connection.connIndex(), connection);
            t.firstReady.complete(null);
        }

        @Override
        public void failed(int connIndex, Throwable cause) {
            Tunnel t = tunnel;
            t.connections.remove(connIndex);
            t.lastError.set(cause);
        }

        @Override
        public void unregistered(EdgeConnection connection) {
            tunnel.connections.remove(connection.connIndex(), connection);
        }
    }

    /** The parts of a tunnel, made in order; whatever was made is released when a later step fails. */
    private static final class Assembly {

        UUID connectorId;
        TunnelSupervisor supervisor;
        Orchestrator orchestrator;
        OriginProxy proxy;
        Map<String, InProcessOrigin> origins;
        MetricsServer metricsServer;
        EventLoopGroup group;
        boolean ownGroup;
        Duration gracePeriod;
        final Tracker listener = new Tracker();

        static Assembly of(TunnelBuilder builder) {
            Assembly parts = new Assembly();
            try {
                parts.assemble(builder);
                return parts;
            } catch (RuntimeException | Error e) {
                parts.releaseQuietly();
                throw e;
            }
        }

        private void assemble(TunnelBuilder builder) {
            var credentials = builder.resolveCredentials();
            var trust = builder.resolveTrust();
            Ingress ingress = builder.ingress;
            WarpRoutingConfig warpRouting = builder.warpRouting;
            OriginRequestConfig originRequestDefaults = builder.originRequestDefaults;
            if (builder.configFile != null) {
                TunnelConfig config = new ConfigLoader(Path.of(System.getProperty("user.home", ".")), List.of())
                        .load(Optional.of(builder.configFile));
                ingress = IngressParser.parse(config);
                warpRouting = config.warpRouting();
                if (originRequestDefaults == null) {
                    originRequestDefaults = config.originRequest().applyTo(OriginRequestConfig.DEFAULTS);
                }
            }
            if (ingress == null) {
                throw new IllegalStateException("handler(...), ingress(...) or config(...) must be set before "
                        + "start()");
            }
            origins = Map.copyOf(builder.origins);
            checkOrigins(ingress, origins);
            EdgeTransports transports = transports(builder);
            connectorId = builder.connectorId != null ? builder.connectorId : UUID.randomUUID();
            gracePeriod = builder.gracePeriod;
            ownGroup = builder.group == null;
            group = ownGroup ? new MultiThreadIoEventLoopGroup(builder.haConnections,
                    new DefaultThreadFactory("jflared-tunnel", true), NioIoHandler.newFactory()) : builder.group;

            MetricRegistry registry = builder.metricsAddress != null ? new MetricRegistry() : null;
            JflaredBuild build = JflaredBuild.current();
            CloudflaredMetrics metrics = registry != null
                    ? CloudflaredMetrics.register(registry, build.version(), build.built()) : null;
            Orchestrator.Builder orchestration = Orchestrator.builder()
                    .ingress(ingress)
                    .warpRouting(warpRouting)
                    .configurationFlags(builder.configurationFlags);
            if (originRequestDefaults != null) {
                orchestration.originRequestDefaults(originRequestDefaults);
            }
            if (metrics != null) {
                orchestration.metrics(metrics.orchestration());
            }
            orchestrator = orchestration.build();
            OriginProxy.Builder proxyBuilder = OriginProxy.builder()
                    .ingress(orchestrator::currentIngress)
                    .tag("ID", connectorId.toString())
                    .warpRouting(warpRouting.enabled());
            origins.forEach(proxyBuilder::inProcessOrigin);
            if (metrics != null) {
                proxyBuilder.events(new ProxyEventMetrics(metrics.proxy()));
            }
            proxy = proxyBuilder.build();

            TunnelSupervisorBuilder supervisorBuilder = TunnelSupervisor.builder()
                    .credentials(credentials)
                    .trust(trust)
                    .connectorId(connectorId)
                    .haConnections(builder.haConnections)
                    .protocol(builder.protocol)
                    .transports(transports)
                    .eventLoopGroup(group)
                    .retries(builder.retries)
                    .maxEdgeAddrRetries(builder.maxEdgeAddrRetries)
                    .gracePeriod(builder.gracePeriod)
                    .registrationTimeout(builder.registrationTimeout)
                    .version(build.version())
                    .services(new TunnelServices(proxy, orchestrator))
                    .listener(listener);
            locateEdge(builder, supervisorBuilder);
            if (metrics != null) {
                supervisorBuilder.metrics(metrics);
            }
            supervisor = supervisorBuilder.build();
            logger.info("Initial protocol {}", supervisor.initialProtocol().flagValue());
            if (registry != null) {
                metricsServer = MetricsServer.builder(registry)
                        .address(builder.metricsAddress)
                        .readiness(supervisor)
                        .config(orchestrator)
                        .build();
                metricsServer.start();
            }
        }

        /**
         * Fixed addresses alone are dialled as they are; a {@code HOST:PORT} to resolve, or no address at all
         * (SRV discovery), goes through {@link EdgeDiscovery} when the supervisor starts.
         */
        private void locateEdge(TunnelBuilder builder, TunnelSupervisorBuilder supervisorBuilder) {
            if (builder.edgeHosts.isEmpty() && !builder.edge.isEmpty()) {
                supervisorBuilder.edgeAddresses(EdgeAddressPool.ofStaticAddresses(
                        builder.edge.stream().map(EdgeAddress::new).toList(), Clock.systemUTC()));
                return;
            }
            EdgeDiscovery.Builder discovery = EdgeDiscovery.builder()
                    .eventLoopGroup(group)
                    .region(builder.region)
                    .ipVersion(builder.edgeIpVersion);
            builder.edge.forEach(address -> discovery.edge(NetUtil.toSocketAddressString(address)));
            builder.edgeHosts.forEach(discovery::edge);
            supervisorBuilder.edgeDiscovery(discovery.build());
        }

        private static EdgeTransports transports(TunnelBuilder builder) {
            EdgeTransports transports = builder.transports != null
                    ? builder.transports
                    : EdgeTransports.load(Tunnel.class.getClassLoader());
            if (transports.find(Protocol.QUIC).isEmpty() && transports.find(Protocol.HTTP2).isEmpty()) {
                throw new IllegalStateException("no edge transport on the class path: add the dev.jflared:"
                        + EdgeTransports.artifactOf(Protocol.QUIC) + " artifact (or dev.jflared:"
                        + EdgeTransports.artifactOf(Protocol.HTTP2) + " for HTTP/2)");
            }
            return transports;
        }

        private void releaseQuietly() {
            if (metricsServer != null) {
                metricsServer.close();
            }
            if (proxy != null) {
                proxy.close();
            }
            if (ownGroup && group != null) {
                group.shutdownGracefully(0, GROUP_STOP_TIMEOUT.toMillis() / 2, TimeUnit.MILLISECONDS)
                        .awaitUninterruptibly(GROUP_STOP_TIMEOUT.toMillis());
            }
        }
    }
}
