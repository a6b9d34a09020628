package dev.jflared.supervisor;

import static java.util.Objects.requireNonNull;

import dev.jflared.JflaredBuild;
import dev.jflared.config.TunnelCredentials;
import dev.jflared.edge.EdgeAddressPool;
import dev.jflared.edge.EdgeDiscovery;
import dev.jflared.edge.EdgeTrust;
import dev.jflared.metrics.CloudflaredMetrics;
import dev.jflared.transport.ConnectionServices;
import dev.jflared.transport.EdgeTransports;
import dev.jflared.transport.RegistrationInfo;
import io.netty.channel.EventLoopGroup;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Builds a {@link TunnelSupervisor}. Required: {@link #credentials}, {@link #transports},
 * {@link #eventLoopGroup}, {@link #services}, and one of {@link #edgeAddresses} or {@link #edgeDiscovery}.
 */
public final class TunnelSupervisorBuilder {

    TunnelCredentials credentials;
    UUID connectorId = UUID.randomUUID();
    int haConnections = TunnelSupervisor.DEFAULT_HA_CONNECTIONS;
    ProtocolChoice protocol = ProtocolChoice.AUTO;
    EdgeTransports transports;
    EdgeTrust trust;
    EdgeAddressPool pool;
    EdgeDiscovery discovery;
    EventLoopGroup group;
    int retries = ReconnectBackoff.DEFAULT_MAX_RETRIES;
    int maxEdgeAddrRetries = TunnelSupervisor.DEFAULT_MAX_EDGE_ADDR_RETRIES;
    Duration gracePeriod = TunnelSupervisor.DEFAULT_GRACE_PERIOD;
    Duration registrationTimeout = TunnelSupervisor.DEFAULT_REGISTRATION_TIMEOUT;
    Duration registrationInterval = TunnelSupervisor.REGISTRATION_INTERVAL;
    Clock clock = Clock.systemUTC();
    RandomGenerator random = new SplittableRandom();
    Timer timer;
    CloudflaredMetrics metrics;
    ConnectionServices services;
    final List<SupervisorListener> listeners = new ArrayList<>();
    List<String> features = RegistrationInfo.DEFAULT_FEATURES;
    String version = JflaredBuild.current().version();
    String arch = Platform.osArch();

    TunnelSupervisorBuilder() {}

    /** The tunnel's credentials. Required. */
    public TunnelSupervisorBuilder credentials(TunnelCredentials credentials) {
        this.credentials = requireNonNull(credentials, "credentials");
        return this;
    }

    /** This connector's id, sent by every connection. Default: a random UUID. */
    public TunnelSupervisorBuilder connectorId(UUID connectorId) {
        this.connectorId = requireNonNull(connectorId, "connectorId");
        return this;
    }

    /** How many connections to keep ({@code --ha-connections}), 1 to 256. Default 4. */
    public TunnelSupervisorBuilder haConnections(int haConnections) {
        if (haConnections < 1 || haConnections > 256) {
            throw new IllegalArgumentException("haConnections must be in 1..256: " + haConnections);
        }
        this.haConnections = haConnections;
        return this;
    }

    /** Which protocol to speak ({@code --protocol}). Default {@link ProtocolChoice#AUTO}. */
    public TunnelSupervisorBuilder protocol(ProtocolChoice protocol) {
        this.protocol = requireNonNull(protocol, "protocol");
        return this;
    }

    /** The transports to connect with. Required; the initial protocol's must be among them. */
    public TunnelSupervisorBuilder transports(EdgeTransports transports) {
        this.transports = requireNonNull(transports, "transports");
        return this;
    }

    /** The CAs the edge's certificate is checked against ({@code --cacert}). Default {@link EdgeTrust#standard()}. */
    public TunnelSupervisorBuilder trust(EdgeTrust trust) {
        this.trust = requireNonNull(trust, "trust");
        return this;
    }

    /** Fixed edge addresses to use (for example from {@code --edge}); replaces {@link #edgeDiscovery}. */
    public TunnelSupervisorBuilder edgeAddresses(EdgeAddressPool pool) {
        this.pool = requireNonNull(pool, "pool");
        this.discovery = null;
        return this;
    }

    /** Finds the edge's addresses when the supervisor starts; replaces {@link #edgeAddresses}. */
    public TunnelSupervisorBuilder edgeDiscovery(EdgeDiscovery discovery) {
        this.discovery = requireNonNull(discovery, "discovery");
        this.pool = null;
        return this;
    }

    /** Where connections live; the supervisor's own work runs on one of its loops. Required. */
    public TunnelSupervisorBuilder eventLoopGroup(EventLoopGroup group) {
        this.group = requireNonNull(group, "group");
        return this;
    }

    /** {@code --retries}: how far the backoff doubles, and when {@code auto} falls back. Default 5. */
    public TunnelSupervisorBuilder retries(int retries) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0: " + retries);
        }
        this.retries = retries;
        return this;
    }

    /** {@code --max-edge-addr-retries}: failures to reach the edge before {@code auto} falls back. Default 8. */
    public TunnelSupervisorBuilder maxEdgeAddrRetries(int maxEdgeAddrRetries) {
        if (maxEdgeAddrRetries < 0) {
            throw new IllegalArgumentException("maxEdgeAddrRetries must be >= 0: " + maxEdgeAddrRetries);
        }
        this.maxEdgeAddrRetries = maxEdgeAddrRetries;
        return this;
    }

    /** {@code --grace-period} of {@link TunnelSupervisor#shutdown()}. Default 30 s. */
    public TunnelSupervisorBuilder gracePeriod(Duration gracePeriod) {
        this.gracePeriod = nonNegative(gracePeriod, "gracePeriod");
        return this;
    }

    /** How long a transport may take to dial and register. Default 20 s. */
    public TunnelSupervisorBuilder registrationTimeout(Duration registrationTimeout) {
        this.registrationTimeout = nonNegative(registrationTimeout, "registrationTimeout");
        return this;
    }

    /** The pause between starting connections 1, 2, ... once connection 0 registered. Default 1 s. */
    public TunnelSupervisorBuilder registrationInterval(Duration registrationInterval) {
        this.registrationInterval = nonNegative(registrationInterval, "registrationInterval");
        return this;
    }

    /** The clock of the backoff's grace period. Default the system UTC clock. */
    public TunnelSupervisorBuilder clock(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
        return this;
    }

    /** The random source of the backoff delays. Default a new {@link SplittableRandom}. */
    public TunnelSupervisorBuilder random(RandomGenerator random) {
        this.random = requireNonNull(random, "random");
        return this;
    }

    /**
     * Runs the backoff waits and the shutdown deadline; tests pass one they advance by hand. Default: a
     * {@link HashedWheelTimer} of the supervisor's own, stopped when it terminates.
     */
    public TunnelSupervisorBuilder timer(Timer timer) {
        this.timer = requireNonNull(timer, "timer");
        return this;
    }

    /**
     * Where connection metrics go: the supervisor's own ({@code cloudflared_tunnel_*}), and what each connection
     * reports through {@link dev.jflared.transport.EdgeConnectRequest#metrics()} ({@code quic_client_*}, local
     * configuration pushes). Default none.
     */
    public TunnelSupervisorBuilder metrics(CloudflaredMetrics metrics) {
        this.metrics = requireNonNull(metrics, "metrics");
        return this;
    }

    /** What every connection serves. Required. */
    public TunnelSupervisorBuilder services(ConnectionServices services) {
        this.services = requireNonNull(services, "services");
        return this;
    }

    /** Adds a listener for connection events. None by default. */
    public TunnelSupervisorBuilder listener(SupervisorListener listener) {
        listeners.add(requireNonNull(listener, "listener"));
        return this;
    }

    /** The features announced at registration. Default {@link RegistrationInfo#DEFAULT_FEATURES}. */
    public TunnelSupervisorBuilder features(List<String> features) {
        this.features = List.copyOf(features);
        return this;
    }

    /** The version announced at registration. Default {@link JflaredBuild#current()}'s. */
    public TunnelSupervisorBuilder version(String version) {
        this.version = requireNonNull(version, "version");
        return this;
    }

    /** The platform announced at registration. Default {@link Platform#osArch()}. */
    public TunnelSupervisorBuilder arch(String arch) {
        this.arch = requireNonNull(arch, "arch");
        return this;
    }

    /**
     * The supervisor, not yet started.
     *
     * @throws IllegalStateException when a required setting is missing, or the initial protocol's transport
     *     is not among the transports
     */
    public TunnelSupervisor build() {
        require(credentials, "credentials");
        require(transports, "transports");
        require(group, "eventLoopGroup");
        require(services, "services");
        if (pool == null && discovery == null) {
            throw new IllegalStateException("edgeAddresses(...) or edgeDiscovery(...) must be set before build()");
        }
        return new TunnelSupervisor(this);
    }

    private static void require(Object value, String setter) {
        if (value == null) {
            throw new IllegalStateException(setter + "(...) must be set before build()");
        }
    }

    private static Duration nonNegative(Duration value, String name) {
        requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
        return value;
    }
}
