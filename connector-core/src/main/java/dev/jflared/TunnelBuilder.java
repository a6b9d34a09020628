package dev.jflared;

import static java.util.Objects.requireNonNull;

import dev.jflared.config.CredentialsLoader;
import dev.jflared.config.TunnelCredentials;
import dev.jflared.config.WarpRoutingConfig;
import dev.jflared.edge.EdgeIpVersion;
import dev.jflared.edge.EdgeTrust;
import dev.jflared.edge.EdgeTrustException;
import dev.jflared.ingress.Ingress;
import dev.jflared.ingress.OriginRequestConfig;
import dev.jflared.metrics.MetricsServer;
import dev.jflared.proxy.InProcessOrigin;
import dev.jflared.supervisor.ProtocolChoice;
import dev.jflared.supervisor.TunnelSupervisor;
import dev.jflared.transport.EdgeTransport;
import dev.jflared.transport.EdgeTransports;
import dev.jflared.transport.Protocol;
import io.netty.channel.EventLoopGroup;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Configures and starts a {@link Tunnel}. Required: credentials ({@link #credentialsFile}, {@link #token} or
 * {@link #credentials}) and what to serve: {@link #handler} (one in-process origin for every request),
 * {@link #ingress} or {@link #config} (rules, which may name in-process origins added with
 * {@link #inProcessOrigin}). Everything else has the default {@code cloudflared tunnel run} has, except that no
 * metrics server is started unless {@link #metricsAddress} is set. Not thread-safe; {@link #start()} may be called
 * more than once, each call starting an independent tunnel.
 */
public final class TunnelBuilder {

    /** The name {@link #handler} registers its origin under. */
    public static final String HANDLER_NAME = "handler";

    TunnelCredentials credentials;
    private Path credentialsFile;
    private String token;
    Ingress ingress;
    Path configFile;
    final Map<String, InProcessOrigin> origins = new LinkedHashMap<>();
    private boolean handlerSet;
    ProtocolChoice protocol = ProtocolChoice.AUTO;
    int haConnections = TunnelSupervisor.DEFAULT_HA_CONNECTIONS;
    final List<InetSocketAddress> edge = new ArrayList<>();
    final List<String> edgeHosts = new ArrayList<>();
    String region = "";
    EdgeIpVersion edgeIpVersion = EdgeIpVersion.IPV4;
    int maxEdgeAddrRetries = TunnelSupervisor.DEFAULT_MAX_EDGE_ADDR_RETRIES;
    EdgeTrust trust;
    private Path caCertificate;
    Duration gracePeriod = TunnelSupervisor.DEFAULT_GRACE_PERIOD;
    int retries = 5;
    Duration registrationTimeout = TunnelSupervisor.DEFAULT_REGISTRATION_TIMEOUT;
    String metricsAddress;
    WarpRoutingConfig warpRouting = WarpRoutingConfig.DEFAULTS;
    OriginRequestConfig originRequestDefaults;
    Map<String, String> configurationFlags = Map.of();
    EdgeTransports transports;
    EventLoopGroup group;
    UUID connectorId;

    TunnelBuilder() {}

    /** Reads the tunnel's credentials from a cloudflared credentials file ({@code <tunnel-id>.json}). */
    public TunnelBuilder credentialsFile(Path file) {
        this.credentialsFile = requireNonNull(file, "file");
        this.token = null;
        this.credentials = null;
        return this;
    }

    /** Takes the tunnel's credentials from a token ({@code cloudflared tunnel token}, {@code $TUNNEL_TOKEN}). */
    public TunnelBuilder token(String token) {
        this.token = requireNonNull(token, "token");
        this.credentialsFile = null;
        this.credentials = null;
        return this;
    }

    /** The tunnel's credentials, already loaded (see {@link CredentialsLoader}). */
    public TunnelBuilder credentials(TunnelCredentials credentials) {
        this.credentials = requireNonNull(credentials, "credentials");
        this.credentialsFile = null;
        this.token = null;
        return this;
    }

    /**
     * Serves every request with {@code origin}, inside this JVM: no port, no socket. Replaces {@link #ingress}
     * and {@link #config}.
     */
    public TunnelBuilder handler(InProcessOrigin origin) {
        origins.put(HANDLER_NAME, requireNonNull(origin, "origin"));
        handlerSet = true;
        this.ingress = Tunnel.singleOrigin(HANDLER_NAME);
        this.configFile = null;
        return this;
    }

    /**
     * Routes requests by these rules, as a config file's {@code ingress:} would; a rule may send requests to an
     * in-process origin ({@link Tunnel#inProcessRule}). Replaces {@link #handler} and {@link #config}.
     */
    public TunnelBuilder ingress(Ingress ingress) {
        this.ingress = requireNonNull(ingress, "ingress");
        this.configFile = null;
        dropHandler();
        return this;
    }

    /**
     * Routes requests by the {@code ingress:} rules (with {@code originRequest} and {@code warp-routing}) of a
     * cloudflared config file. Other keys of the file are not read: set them on this builder. Replaces
     * {@link #handler} and {@link #ingress}.
     */
    public TunnelBuilder config(Path configFile) {
        this.configFile = requireNonNull(configFile, "configFile");
        this.ingress = null;
        dropHandler();
        return this;
    }

    /** Registers {@code origin} for the rules whose service is {@link Tunnel#inProcessRule}{@code (.., name)}. */
    public TunnelBuilder inProcessOrigin(String name, InProcessOrigin origin) {
        requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name must not be empty");
        }
        origins.put(name, requireNonNull(origin, "origin"));
        return this;
    }

    /** {@code --protocol}: a fixed protocol. Default auto (QUIC, falling back to HTTP/2). */
    public TunnelBuilder protocol(Protocol protocol) {
        requireNonNull(protocol, "protocol");
        this.protocol = protocol == Protocol.QUIC ? ProtocolChoice.QUIC : ProtocolChoice.HTTP2;
        return this;
    }

    /** {@code --protocol}: {@link ProtocolChoice#AUTO}, {@code QUIC} or {@code HTTP2}. Default auto. */
    public TunnelBuilder protocol(ProtocolChoice protocol) {
        this.protocol = requireNonNull(protocol, "protocol");
        return this;
    }

    /** {@code --ha-connections}, 1 to 256 (never more than there are edge addresses). Default 4. */
    public TunnelBuilder haConnections(int haConnections) {
        if (haConnections < 1 || haConnections > 256) {
            throw new IllegalArgumentException("haConnections must be in 1..256: " + haConnections);
        }
        this.haConnections = haConnections;
        return this;
    }

    /** {@code --edge}: fixed edge addresses, instead of discovering Cloudflare's through DNS. Adds to earlier calls. */
    public TunnelBuilder edge(InetSocketAddress... addresses) {
        for (InetSocketAddress address : addresses) {
            requireNonNull(address, "addresses[]");
            if (address.isUnresolved()) {
                throw new IllegalArgumentException("edge address " + address + " is unresolved");
            }
            edge.add(address);
        }
        return this;
    }

    /**
     * {@code --edge HOST:PORT}: a fixed edge address whose host is resolved through DNS when the tunnel starts,
     * instead of discovering Cloudflare's. Adds to earlier calls and to {@link #edge(InetSocketAddress...)}.
     *
     * A value that is not {@code HOST:PORT} makes {@link #start()} throw {@link IllegalArgumentException}.
     */
    public TunnelBuilder edge(String hostAndPort) {
        edgeHosts.add(requireNonNull(hostAndPort, "hostAndPort"));
        return this;
    }

    /**
     * {@code --region}: discover the edge of this region only, e.g. {@code us} for
     * {@code _us-v2-origintunneld._tcp.argotunnel.com}; empty for the global edge. Default global.
     */
    public TunnelBuilder region(String region) {
        this.region = requireNonNull(region, "region");
        return this;
    }

    /** {@code --edge-ip-version}: which discovered edge addresses to dial. Default IPv4, as cloudflared. */
    public TunnelBuilder edgeIpVersion(EdgeIpVersion ipVersion) {
        this.edgeIpVersion = requireNonNull(ipVersion, "ipVersion");
        return this;
    }

    /**
     * {@code --max-edge-addr-retries}: how many times a connection retries on an edge address before it takes
     * another one (and, with protocol auto, before it falls back to HTTP/2). Default 8.
     */
    public TunnelBuilder maxEdgeAddrRetries(int maxEdgeAddrRetries) {
        if (maxEdgeAddrRetries < 0) {
            throw new IllegalArgumentException("maxEdgeAddrRetries must be >= 0: " + maxEdgeAddrRetries);
        }
        this.maxEdgeAddrRetries = maxEdgeAddrRetries;
        return this;
    }

    /** {@code --cacert}: trust only the CAs in this PEM file for the edge. Default Cloudflare's roots. */
    public TunnelBuilder caCertificate(Path pemFile) {
        this.caCertificate = requireNonNull(pemFile, "pemFile");
        this.trust = null;
        return this;
    }

    /** The CAs the edge's certificate must chain to. Default {@link EdgeTrust#standard()}. */
    public TunnelBuilder edgeTrust(EdgeTrust trust) {
        this.trust = requireNonNull(trust, "trust");
        this.caCertificate = null;
        return this;
    }

    /** {@code --grace-period}: how long {@link Tunnel#close()} lets requests in flight finish. Default 30 s. */
    public TunnelBuilder gracePeriod(Duration gracePeriod) {
        requireNonNull(gracePeriod, "gracePeriod");
        if (gracePeriod.isNegative()) {
            throw new IllegalArgumentException("gracePeriod must not be negative: " + gracePeriod);
        }
        this.gracePeriod = gracePeriod;
        return this;
    }

    /** {@code --retries}: how far each connection's reconnect backoff doubles. Default 5. */
    public TunnelBuilder retries(int retries) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0: " + retries);
        }
        this.retries = retries;
        return this;
    }

    /** How long one connection may take to dial and register. Default 20 s. */
    public TunnelBuilder registrationTimeout(Duration timeout) {
        requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("registrationTimeout must be positive: " + timeout);
        }
        this.registrationTimeout = timeout;
        return this;
    }

    /**
     * {@code --metrics}: serve {@code /metrics}, {@code /ready}, {@code /healthcheck} and {@code /config} here
     * (port 0 picks a free one, see {@link Tunnel#metricsAddress()}). Default: no metrics server.
     */
    public TunnelBuilder metricsAddress(InetSocketAddress address) {
        this.metricsAddress = NetUtil.toSocketAddressString(requireNonNull(address, "address"));
        return this;
    }

    /**
     * {@code --metrics ADDRESS} as cloudflared reads it: {@code HOST:PORT}, or {@value MetricsServer#DEFAULT_ADDRESS}
     * for the first free of {@link MetricsServer#KNOWN_ADDRESSES}. Default: no metrics server.
     */
    public TunnelBuilder metricsAddress(String address) {
        this.metricsAddress = requireNonNull(address, "address");
        return this;
    }

    /**
     * {@code warp-routing}: whether private-network (TCP) streams are served when there is no config file.
     * A config file's own {@code warp-routing} wins. Default off.
     */
    public TunnelBuilder warpRouting(WarpRoutingConfig warpRouting) {
        this.warpRouting = requireNonNull(warpRouting, "warpRouting");
        return this;
    }

    /**
     * The top-level {@code originRequest} that a configuration pushed by the edge starts from. Default: the config
     * file's {@code originRequest} when {@link #config} is used, otherwise cloudflared's defaults.
     */
    public TunnelBuilder originRequestDefaults(OriginRequestConfig defaults) {
        this.originRequestDefaults = requireNonNull(defaults, "defaults");
        return this;
    }

    /**
     * The flags reported to the edge with the local configuration ({@code __configuration_flags}), by name, as
     * {@link dev.jflared.orchestration.ConfigurationFlags#from} makes them for {@code tunnel run}. Default none.
     */
    public TunnelBuilder configurationFlags(Map<String, String> flags) {
        this.configurationFlags = Map.copyOf(flags);
        return this;
    }

    /**
     * The transports to connect with. Default: those on the class path ({@code dev.jflared:transport-quic},
     * {@code dev.jflared:transport-http2}), found with {@link java.util.ServiceLoader}.
     */
    public TunnelBuilder transports(EdgeTransport... transports) {
        for (EdgeTransport transport : transports) {
            requireNonNull(transport, "transports[]");
        }
        this.transports = EdgeTransports.of(transports);
        return this;
    }

    /** As {@link #transports(EdgeTransport...)}, with a set already made. */
    public TunnelBuilder transports(EdgeTransports transports) {
        this.transports = requireNonNull(transports, "transports");
        return this;
    }

    /**
     * Where the edge connections (and their in-process requests) run; the caller keeps ownership and closes it
     * after the tunnel. Default: a group of the tunnel's own, {@code haConnections} threads named
     * {@code jflared-tunnel-*}, closed with the tunnel.
     */
    public TunnelBuilder eventLoopGroup(EventLoopGroup group) {
        this.group = requireNonNull(group, "group");
        return this;
    }

    /** The connector id every connection announces. Default: a random UUID per started tunnel. */
    public TunnelBuilder connectorId(UUID connectorId) {
        this.connectorId = requireNonNull(connectorId, "connectorId");
        return this;
    }

    /**
     * Starts the tunnel: connections are dialled in the background; use {@link Tunnel#awaitReady} to wait for the
     * first one. Nothing is left running when this throws.
     *
     * @throws IllegalStateException when credentials or what to serve is missing, no transport for the protocol
     *     is on the class path (the message names the artifact to add), or a rule names an unknown in-process
     *     origin
     * @throws dev.jflared.config.CredentialsException when the credentials cannot be read
     * @throws dev.jflared.config.ConfigException when the config file or its rules are invalid
     * @throws IllegalArgumentException when the CA file cannot be read or an {@link #edge(String)} value is not
     *     {@code HOST:PORT}
     * @throws dev.jflared.metrics.MetricsServerException when the metrics address cannot be bound
     */
    public Tunnel start() {
        return Tunnel.start(this);
    }

    TunnelCredentials resolveCredentials() {
        if (credentials != null) {
            return credentials;
        }
        if (credentialsFile != null) {
            return CredentialsLoader.fromFile(credentialsFile);
        }
        if (token != null) {
            return CredentialsLoader.fromToken(token);
        }
        throw new IllegalStateException("credentialsFile(...), token(...) or credentials(...) must be set before "
                + "start()");
    }

    EdgeTrust resolveTrust() {
        if (trust != null) {
            return trust;
        }
        if (caCertificate == null) {
            return EdgeTrust.standard();
        }
        try {
            return EdgeTrust.fromCaCertFile(caCertificate);
        } catch (EdgeTrustException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private void dropHandler() {
        if (handlerSet) {
            origins.remove(HANDLER_NAME);
            handlerSet = false;
        }
    }
}
