package dev.jflared.supervisor;

import static java.util.Objects.requireNonNull;

import dev.jflared.config.GoDuration;
import dev.jflared.edge.EdgeAddress;
import dev.jflared.edge.EdgeAddressPool;
import dev.jflared.edge.EdgeDiscovery;
import dev.jflared.edge.EdgeTrust;
import dev.jflared.edge.NoEdgeAddressLeftException;
import dev.jflared.metrics.CloudflaredMetrics;
import dev.jflared.metrics.ConnectionMetrics;
import dev.jflared.metrics.ReadinessSource;
import dev.jflared.metrics.TunnelMetrics;
import dev.jflared.transport.ConnectionServices;
import dev.jflared.transport.EdgeConnectRequest;
import dev.jflared.transport.EdgeConnection;
import dev.jflared.transport.EdgeTransports;
import dev.jflared.transport.Protocol;
import dev.jflared.transport.RegistrationInfo;
import dev.jflared.transport.RegistrationRejectedException;
import io.netty.channel.EventLoopGroup;
import io.netty.util.HashedWheelTimer;
import io.netty.util.NetUtil;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Keeps a tunnel's HA connections to the edge up, as cloudflared's {@code supervisor/supervisor.go} and
 * {@code supervisor/tunnel.go} do.
 *
 * <pre>{@code
 * TunnelSupervisor supervisor = TunnelSupervisor.builder()
 *         .credentials(credentials)
 *         .transports(EdgeTransports.load(classLoader))
 *         .edgeDiscovery(EdgeDiscovery.builder().eventLoopGroup(group).build())
 *         .eventLoopGroup(group)
 *         .services(new TunnelServices(proxy, orchestrator))
 *         .build();
 * CompletableFuture<Void> stopped = supervisor.start();   // fails with the cause if the tunnel cannot run
 * ...
 * supervisor.shutdown(Duration.ofSeconds(30)).join();
 * }</pre>
 *
 * <h2>Connections</h2>
 * One task per connection index, {@code 0} to {@code ha-connections - 1} (no more than there are edge addresses).
 * Connection 0 starts first; once it has registered, the others start {@link #REGISTRATION_INTERVAL} apart. Each
 * registered connection is logged as cloudflared logs it ({@code Registered tunnel connection connIndex=0
 * connection=<uuid> event=0 ip=<edge ip> location=<colo> protocol=quic}). Losing one connection never disturbs
 * the others.
 *
 * <h2>Retries</h2>
 * A connection that cannot connect, is refused with {@code shouldRetry}, or is lost is tried again after a
 * randomised, doubling backoff of its own ({@link ReconnectBackoff}; {@code --retries} caps how far it doubles and,
 * as in cloudflared, the connection is retried for as long as the connector runs). The attempt tells the edge how
 * many attempts preceded it ({@code numPreviousAttempts}); a registration resets that count. A connection that could
 * not reach its edge address, or was lost, moves to another address. The edge's {@code retryAfter} is a floor for
 * the wait. A registration refused with {@code shouldRetry = false} (wrong credentials, deleted tunnel) stops the
 * whole supervisor: {@link #start()}'s future fails with that {@link RegistrationRejectedException}.
 *
 * <h2>Protocol auto</h2>
 * Connections start with QUIC. While no connection has registered with QUIC, a connection switches to HTTP/2 (if
 * that transport is present) after {@code --max-edge-addr-retries} consecutive failures to reach the edge, or after
 * {@code --retries} consecutive failures of another kind, logging {@code Switching to fallback protocol http2}.
 *
 * <h2>Shutdown</h2>
 * {@link #shutdown(Duration)} shuts every connection down gracefully ({@link EdgeConnection#shutdown}: unregister,
 * drain) and completes when they are done; connections still open when the grace period ends are closed. A second
 * call, or {@link #shutdownNow()}, closes everything at once.
 *
 * <h2>Threads</h2>
 * Thread-safe. All state changes run on one event loop of the given group; {@link #readyConnections()} reads a
 * concurrent map and never waits.
 */
public final class TunnelSupervisor implements ReadinessSource {

    /** cloudflared's default {@code --ha-connections}. */
    public static final int DEFAULT_HA_CONNECTIONS = 4;
    /** cloudflared's default {@code --grace-period}. */
    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(30);
    /** cloudflared's default {@code --max-edge-addr-retries}. */
    public static final int DEFAULT_MAX_EDGE_ADDR_RETRIES = 8;
    /** Dialling (cloudflared's 15 s {@code dialTimeout}) plus registering (its 5 s {@code --rpc-timeout}). */
    public static final Duration DEFAULT_REGISTRATION_TIMEOUT = Duration.ofSeconds(20);
    /** The pause between starting connections 1, 2, ... ({@code registrationInterval}, {@code supervisor.go}). */
    public static final Duration REGISTRATION_INTERVAL = Duration.ofSeconds(1);

    private static final Logger logger = LoggerFactory.getLogger(TunnelSupervisor.class);
    // cloudflared announces this wait for the first retry after a connection that had registered.
    private static final Duration RETRY_AFTER_REGISTERED = Duration.ofSeconds(1);

    private final RegistrationInfo registration;
    private final int haConnections;
    private final ProtocolChoice protocolChoice;
    private final Protocol initialProtocol;
    private final EdgeTransports transports;
    private final EdgeTrust trust;
    private final EdgeAddressPool staticPool;
    private final EdgeDiscovery discovery;
    private final EventLoopGroup group;
    private final EventExecutor executor;
    private final int retries;
    private final int maxEdgeAddrRetries;
    private final Duration gracePeriod;
    private final Duration registrationTimeout;
    private final Duration registrationInterval;
    private final Clock clock;
    private final RandomGenerator random;
    private final Timer timer;
    private final boolean ownTimer;
    private final TunnelMetrics metrics;
    private final CloudflaredMetrics cloudflaredMetrics;
    private final ConnectionServices services;
    private final List<SupervisorListener> listeners;

    private final CompletableFuture<Void> termination = new CompletableFuture<>();
    private final Map<Integer, EdgeConnection> registered = new ConcurrentHashMap<>();

    // Event-loop-only state below.
    private final List<ConnectionSlot> slots = new ArrayList<>();
    private final Set<Protocol> registeredWith = EnumSet.noneOf(Protocol.class);
    private EdgeAddressPool pool;
    private boolean started;
    private boolean othersStarted;
    private boolean stopping;
    private boolean hardStop;
    private boolean terminated;
    private Throwable fatalCause;
    private Timeout hardStopTimer;
    // The grace period of the shutdown in progress, for connections that register while it runs.
    private Duration drainGrace;

    TunnelSupervisor(TunnelSupervisorBuilder builder) {
        this.registration = new RegistrationInfo(builder.credentials, builder.connectorId, builder.features,
                builder.version, builder.arch, false, 0);
        this.haConnections = builder.haConnections;
        this.protocolChoice = builder.protocol;
        this.transports = builder.transports;
        // Under auto without the QUIC module, HTTP/2 is all there is; with neither, the error names QUIC's.
        this.initialProtocol = protocolChoice == ProtocolChoice.AUTO && transports.find(Protocol.QUIC).isEmpty()
                && transports.find(Protocol.HTTP2).isPresent() ? Protocol.HTTP2 : protocolChoice.initial();
        transports.require(initialProtocol);
        this.trust = builder.trust != null ? builder.trust : EdgeTrust.standard();
        this.staticPool = builder.pool;
        this.discovery = builder.discovery;
        this.group = builder.group;
        this.executor = group.next();
        this.retries = builder.retries;
        this.maxEdgeAddrRetries = builder.maxEdgeAddrRetries;
        this.gracePeriod = builder.gracePeriod;
        this.registrationTimeout = builder.registrationTimeout;
        this.registrationInterval = builder.registrationInterval;
        this.clock = builder.clock;
        this.random = builder.random;
        this.ownTimer = builder.timer == null;
        this.timer = ownTimer
                ? new HashedWheelTimer(new DefaultThreadFactory("jflared-supervisor-timer", true), 50,
                        TimeUnit.MILLISECONDS)
                : builder.timer;
        this.cloudflaredMetrics = builder.metrics;
        this.metrics = cloudflaredMetrics != null ? cloudflaredMetrics.tunnel() : null;
        this.services = builder.services;
        this.listeners = new CopyOnWriteArrayList<>(builder.listeners);
    }

    /** A builder; see {@link TunnelSupervisorBuilder} for what is required. */
    public static TunnelSupervisorBuilder builder() {
        return new TunnelSupervisorBuilder();
    }

    /** The protocol connections start with: QUIC unless {@code --protocol http2} (or no QUIC transport). */
    public Protocol initialProtocol() {
        return initialProtocol;
    }

    /** The grace period {@link #shutdown()} uses. */
    public Duration gracePeriod() {
        return gracePeriod;
    }

    @Override
    public UUID connectorId() {
        return registration.connectorId();
    }

    /** Connections registered and, by their transport's account, serving now ({@link EdgeConnection#isServing}). */
    @Override
    public int readyConnections() {
        int ready = 0;
        for (EdgeConnection connection : registered.values()) {
            if (connection.isServing()) {
                ready++;
            }
        }
        return ready;
    }

    /**
     * Starts connecting; call once. Returns the termination future: it completes when a shutdown has finished, or
     * fails with the cause when the tunnel cannot run (a refused registration, failed edge discovery).
     */
    public CompletableFuture<Void> start() {
        executor.execute(() -> {
            if (started) {
                return;
            }
            started = true;
            if (stopping) {
                terminateIfIdle();
            } else if (staticPool != null) {
                begin(staticPool);
            } else {
                discovery.discover().addListener(done -> executor.execute(() -> {
                    if (done.isSuccess()) {
                        begin((EdgeAddressPool) done.getNow());
                    } else {
                        fail(done.cause());
                    }
                }));
            }
        });
        return termination;
    }

    /** Completes when the supervisor has stopped; see {@link #start()}. */
    public CompletableFuture<Void> terminationFuture() {
        return termination;
    }

    /** {@link #shutdown(Duration)} with the configured grace period. */
    public CompletableFuture<Void> shutdown() {
        return shutdown(gracePeriod);
    }

    /**
     * Shuts every connection down gracefully within {@code grace}; a second call closes everything at once. Returns
     * the termination future.
     */
    public CompletableFuture<Void> shutdown(Duration grace) {
        requireNonNull(grace, "grace");
        executor.execute(() -> {
            if (stopping) {
                stopHard();
            } else {
                drainAll(grace);
            }
        });
        return termination;
    }

    /** Closes every connection at once, without unregistering. Returns the termination future. */
    public CompletableFuture<Void> shutdownNow() {
        executor.execute(this::stopHard);
        return termination;
    }

    private void begin(EdgeAddressPool addresses) {
        if (stopping) {
            terminateIfIdle();
            return;
        }
        pool = addresses;
        int count = haConnections;
        int available = addresses.availableAddresses();
        if (count > available) {
            logger.info("You requested {} HA connections but I can give you at most {}.", count, available);
            count = available;
        }
        if (count == 0) {
            fail(new IllegalStateException("no edge address is available to connect to"));
            return;
        }
        for (int i = 0; i < count; i++) {
            ReconnectBackoff backoff = ReconnectBackoff.builder().maxRetries(retries).retryForever(true)
                    .clock(clock).random(random).build();
            ConnectionMetrics connectionMetrics = cloudflaredMetrics != null
                    ? ConnectionMetrics.of(cloudflaredMetrics, i) : ConnectionMetrics.none();
            slots.add(new ConnectionSlot(i, backoff, initialProtocol, connectionMetrics));
        }
        attempt(slots.get(0));
    }

    private void startOthers() {
        othersStarted = true;
        for (int i = 1; i < slots.size(); i++) {
            ConnectionSlot slot = slots.get(i);
            // cloudflared starts the others with the protocol connection 0 registered with.
            slot.protocol = slots.get(0).protocol;
            Duration delay = registrationInterval.multipliedBy(i - 1L);
            if (delay.isZero()) {
                attempt(slot);
            } else {
                slot.retry = schedule(delay, () -> {
                    slot.retry = null;
                    attempt(slot);
                });
            }
        }
    }

    private void attempt(ConnectionSlot slot) {
        if (stopping) {
            terminateIfIdle();
            return;
        }
        try {
            slot.address = pool.addressFor(slot.index);
        } catch (NoEdgeAddressLeftException e) {
            logger.atWarn().setCause(e).addKeyValue("connIndex", slot.index).log("No free edge address");
            scheduleRetry(slot, Duration.ZERO, false, false);
            return;
        }
        RegistrationInfo info = registration.withPreviousAttempts(Math.min(slot.backoff.retries(), 255));
        EdgeConnectRequest request = new EdgeConnectRequest(slot.index, slot.address, trust, info, services, group,
                registrationTimeout, slot.metrics);
        Protocol protocol = slot.protocol;
        notifyListeners(listener -> listener.connecting(request, protocol));
        CompletableFuture<EdgeConnection> future;
        try {
            future = transports.require(protocol).connect(request);
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<EdgeConnection> attempt = future;
        slot.connecting = attempt;
        attempt.whenComplete((connection, error) -> executor.execute(
                () -> connectDone(slot, attempt, connection, error)));
    }

    private void connectDone(ConnectionSlot slot, CompletableFuture<EdgeConnection> attempt,
            EdgeConnection connection, Throwable error) {
        if (slot.connecting == attempt) {
            slot.connecting = null;
        }
        if (error == null) {
            if (hardStop) {
                connection.close();
                terminateIfIdle();
            } else {
                registered(slot, connection);
            }
            return;
        }
        if (stopping) {
            terminateIfIdle();
            return;
        }
        Throwable cause = unwrap(error);
        notifyListeners(listener -> listener.failed(slot.index, cause));
        if (cause instanceof RegistrationRejectedException rejected) {
            withConnection(logger.atError(), slot).setCause(rejected).log("Register tunnel error from server side");
            if (metrics != null) {
                metrics.registerFail(TunnelMetrics.ERROR_SERVER);
            }
            if (!rejected.shouldRetry()) {
                fail(rejected);
                return;
            }
            Duration retryAfter = rejected.retryAfter().isNegative() ? Duration.ZERO : rejected.retryAfter();
            scheduleRetry(slot, retryAfter, false, false);
            return;
        }
        withConnection(logger.atError(), slot).setCause(cause).log(slot.protocol == Protocol.QUIC
                ? "Failed to create new quic connection" : "Unable to establish connection with Cloudflare edge");
        slot.connectivityFailures++;
        scheduleRetry(slot, Duration.ZERO, true, true);
    }

    private void registered(ConnectionSlot slot, EdgeConnection connection) {
        slot.connection = connection;
        slot.backoff.resetNow();
        slot.registeredSinceFailure = true;
        slot.connectivityFailures = 0;
        registeredWith.add(connection.protocol());
        registered.put(slot.index, connection);
        connection.closeFuture().whenComplete((ignored, error) -> executor.execute(
                () -> closed(slot, connection, error)));
        logger.atInfo()
                .addKeyValue("connIndex", slot.index)
                .addKeyValue("connection", connection.details().uuid())
                .addKeyValue("event", 0)
                .addKeyValue("ip", ip(connection.address()))
                .addKeyValue("location", connection.details().locationName())
                .addKeyValue("protocol", connection.protocol().flagValue())
                .log("Registered tunnel connection");
        if (metrics != null) {
            metrics.haConnectionUp();
            metrics.serverLocation(slot.index, connection.details().locationName());
            metrics.registerSuccess();
        }
        notifyListeners(listener -> listener.registered(connection));
        if (stopping) {
            if (hardStop) {
                release(slot).close();
            } else {
                drain(slot, drainGrace);
            }
            return;
        }
        if (slot.index == 0 && !othersStarted) {
            startOthers();
        }
    }

    private void closed(ConnectionSlot slot, EdgeConnection connection, Throwable error) {
        if (slot.connection != connection) {
            return;
        }
        release(slot);
        if (stopping) {
            terminateIfIdle();
            return;
        }
        Throwable cause = error != null ? unwrap(error)
                : new IllegalStateException("the connection was closed without a shutdown");
        withConnection(logger.atError(), slot).setCause(cause).log("Failed to serve tunnel connection");
        withConnection(logger.atError(), slot).setCause(cause).log("Serve tunnel error");
        notifyListeners(listener -> listener.failed(slot.index, cause));
        scheduleRetry(slot, Duration.ZERO, true, false);
    }

    /** Forgets the slot's connection, which no longer counts as registered; returns it. */
    private EdgeConnection release(ConnectionSlot slot) {
        EdgeConnection connection = slot.connection;
        slot.connection = null;
        if (connection != null && registered.remove(slot.index, connection) && metrics != null) {
            metrics.haConnectionDown();
        }
        return connection;
    }

    private void scheduleRetry(ConnectionSlot slot, Duration retryAfter, boolean newAddress,
            boolean connectivityError) {
        if (newAddress && slot.address != null) {
            try {
                pool.differentAddressFor(slot.index, connectivityError);
            } catch (NoEdgeAddressLeftException e) {
                // The old address is free again; the next attempt takes whichever address is free.
                logger.atDebug().addKeyValue("connIndex", slot.index).log("No other edge address is free");
            }
        }
        // The figure cloudflared prints (GetMaxBackoffDuration): 1s right after a registration, else the
        // bound of the coming wait.
        Duration announced = slot.registeredSinceFailure ? RETRY_AFTER_REGISTERED
                : ReconnectBackoff.DEFAULT_BASE_TIME.multipliedBy(1L << Math.min(slot.backoff.retries() + 1, 30));
        if (announced.compareTo(retryAfter) < 0) {
            announced = retryAfter;
        }
        slot.registeredSinceFailure = false;
        Duration delay = slot.backoff.nextDelay(retryAfter).orElse(retryAfter);
        withConnection(logger.atInfo(), slot).log("Retrying connection in up to " + GoDuration.format(announced));
        slot.retry = schedule(delay, () -> {
            slot.retry = null;
            if (stopping) {
                terminateIfIdle();
                return;
            }
            maybeFallBack(slot, connectivityError);
            attempt(slot);
        });
        notifyListeners(listener -> listener.retrying(slot.index, delay));
    }

    /** cloudflared's {@code selectNextProtocol}, under {@code auto} only; see the class doc. */
    private void maybeFallBack(ConnectionSlot slot, boolean connectivityError) {
        Optional<Protocol> fallback = protocolChoice.fallback();
        if (fallback.isEmpty() || slot.protocol == fallback.get() || transports.find(fallback.get()).isEmpty()
                || registeredWith.contains(slot.protocol)) {
            return;
        }
        boolean exhausted = connectivityError ? slot.connectivityFailures > maxEdgeAddrRetries
                : slot.backoff.reachedMaxRetries();
        if (!exhausted) {
            return;
        }
        Protocol next = fallback.get();
        withConnection(logger.atInfo(), slot).log("Switching to fallback protocol " + next.flagValue());
        slot.protocol = next;
        slot.backoff.resetNow();
        slot.connectivityFailures = 0;
        notifyListeners(listener -> listener.protocolChanged(slot.index, next));
    }

    private void drainAll(Duration grace) {
        stopping = true;
        drainGrace = grace;
        // As cloudflared cancels everything when the grace period is over, whatever is left is closed then.
        hardStopTimer = schedule(grace, this::stopHard);
        for (ConnectionSlot slot : slots) {
            slot.cancelRetry();
            if (slot.connection != null && slot.draining == null) {
                drain(slot, grace);
            }
        }
        terminateIfIdle();
    }

    private void drain(ConnectionSlot slot, Duration grace) {
        EdgeConnection connection = slot.connection;
        CompletableFuture<Void> draining;
        try {
            draining = connection.shutdown(grace).toCompletableFuture();
        } catch (RuntimeException e) {
            draining = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> done = draining;
        slot.draining = done;
        done.whenComplete((ignored, error) -> executor.execute(() -> {
            if (slot.draining != done) {
                return;
            }
            slot.draining = null;
            if (error != null) {
                withConnection(logger.atDebug(), slot).setCause(unwrap(error)).log("Graceful shutdown failed");
            }
            withConnection(logger.atInfo(), slot).log("Unregistered tunnel connection");
            notifyListeners(listener -> listener.unregistered(connection));
            if (slot.connection == connection) {
                release(slot);
            }
            terminateIfIdle();
        }));
    }

    private void stopHard() {
        stopping = true;
        hardStop = true;
        for (ConnectionSlot slot : slots) {
            slot.cancelRetry();
            slot.draining = null;
            EdgeConnection connection = release(slot);
            if (connection != null) {
                connection.close();
            }
        }
        terminateIfIdle();
    }

    private void fail(Throwable cause) {
        if (fatalCause == null) {
            fatalCause = cause;
        }
        stopHard();
    }

    private void terminateIfIdle() {
        if (!stopping || terminated) {
            return;
        }
        for (ConnectionSlot slot : slots) {
            if (!slot.idle(hardStop)) {
                return;
            }
        }
        terminated = true;
        if (hardStopTimer != null) {
            hardStopTimer.cancel();
        }
        if (ownTimer) {
            timer.stop();
        }
        if (fatalCause != null) {
            termination.completeExceptionally(fatalCause);
        } else {
            termination.complete(null);
        }
    }

    private Timeout schedule(Duration delay, Runnable task) {
        return timer.newTimeout(timeout -> executor.execute(task), Math.max(0, delay.toNanos()),
                TimeUnit.NANOSECONDS);
    }

    private void notifyListeners(Consumer<SupervisorListener> event) {
        for (SupervisorListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                logger.warn("supervisor listener {} failed", listener, e);
            }
        }
    }

    private static LoggingEventBuilder withConnection(LoggingEventBuilder event, ConnectionSlot slot) {
        event.addKeyValue("connIndex", slot.index).addKeyValue("event", 0);
        return slot.address == null ? event : event.addKeyValue("ip", ip(slot.address));
    }

    /** The IP as Go prints it: dotted IPv4, compressed IPv6 without brackets. */
    private static String ip(EdgeAddress address) {
        return NetUtil.toAddressString(address.ip());
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
