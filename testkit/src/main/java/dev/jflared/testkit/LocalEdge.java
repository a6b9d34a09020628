package dev.jflared.testkit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jflared.config.TunnelCredentials;
import dev.jflared.rpc.schema.ConnectionError;
import dev.jflared.transport.Protocol;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.quic.BoringSSLContextOption;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A Cloudflare edge on loopback, for tests, demos and your own tests: connectors register with it over QUIC or
 * HTTP/2, and
 * plain HTTP requests to its eyeball port are forwarded through the tunnel, as the real edge does.
 *
 * <pre>{@code
 * try (LocalEdge edge = LocalEdge.builder().build()) {
 *     edge.start();
 *     edge.writeCredentialsFile(dir.resolve("creds.json"));
 *     // run a connector with: --edge <edge.connectorAddresses()> --cacert <edge.caFile()> --credentials-file ...
 *     edge.awaitConnections(1, Duration.ofSeconds(10));
 *     HttpResponse<String> r = client.send(HttpRequest.newBuilder(edge.eyeballUri("/hello")).build(), ofString());
 *     Registration registration = edge.takeRegistration(Duration.ofSeconds(1)).orElseThrow();
 *     List<ConfigPushResult> pushed = edge.pushConfig(2, "{\"ingress\":[...]}").get();
 * }
 * }</pre>
 *
 * <h2>What it does</h2>
 * <ul>
 *   <li>QUIC on each {@linkplain Builder#listen listen address}, ALPN {@code argotunnel}, with a certificate from a
 *       fresh {@link TestCertificateAuthority} for {@code quic.cftunnel.com}, {@code h2.cftunnel.com} and loopback;
 *       the CA is in {@link #caFile()} for the connector's {@code --cacert}.</li>
 *   <li>HTTP/2 over TCP+TLS (no ALPN) on the same host and port, the edge acting as the HTTP/2 client: it opens
 *       the control stream, then one stream per eyeball request ({@link Builder#protocols} limits which of the
 *       two are served).</li>
 *   <li>Registration: the connector's credentials must match {@link #credentials()}; a mismatch is answered with a
 *       {@code ConnectionError} ({@code shouldRetry=false}), as is any registration a
 *       {@linkplain Builder#registrationError rule} matches. Unregistration and the local configuration are
 *       recorded; the local configuration is refused with an RPC exception when
 *       {@linkplain Builder#localConfigurationError asked}.</li>
 *   <li>Eyeball HTTP/1.1 on {@link #eyeballUrl()}: each request goes, round robin, to a registered connection as a
 *       new stream; bodies stream both ways with backpressure; websockets are relayed. Without a registered
 *       connection the answer is 502. {@code /_edge/healthz}, {@code /_edge/connections} and
 *       {@code POST /_edge/config?version=N} are answered by the edge itself.</li>
 *   <li>Events: every step is an {@link EdgeEvent}, one JSON object each (the shapes of shared/golden's stand-in
 *       edge), given to {@linkplain Builder#eventListener listeners} and kept for {@link #takeEvent}.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * The edge runs on its own event loops. Every method is thread-safe; the {@code take}/{@code await} methods block
 * the calling (test) thread for at most the given time. Listeners run on the event loops and must not block.
 *
 * <h2>Closing</h2>
 * {@link #close()} closes the listeners and every connection, then waits a bounded time for the loops to stop.
 */
public final class LocalEdge implements AutoCloseable {

    /** The location name answered by default. */
    public static final String DEFAULT_LOCATION = "LOCAL";
    /** How long {@link #close()} waits for the event loops to stop. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPN = "argotunnel";
    /** How often a port-0 listen address is tried for a port free for both UDP and TCP. */
    private static final int BIND_ATTEMPTS = 5;
    /** Offered to connectors in this order; cloudflared prefers X25519MLKEM768 (NOTES.md "TLS to the edge"). */
    private static final String[] KEY_EXCHANGE_GROUPS = {"X25519MLKEM768", "X25519", "P-256", "P-384"};

    private final TunnelCredentials credentials;
    private final List<InetSocketAddress> listen;
    private final InetSocketAddress eyeball;
    private final Optional<Path> tlsDirectory;
    private final Set<Protocol> protocols;
    private final EdgeState state;
    private final Object lock = new Object();
    // Guarded by lock.
    private boolean started;
    private boolean closed;
    private EventLoopGroup group;
    private final List<Channel> listeners = new ArrayList<>();
    private final List<InetSocketAddress> connectorAddresses = new ArrayList<>();
    private Channel eyeballChannel;
    private Path tlsDir;
    private Path caFile;
    private String caPem;
    private Path credentialsFile;

    private LocalEdge(Builder builder) {
        this.credentials = builder.credentials != null ? builder.credentials : randomCredentials();
        this.listen = builder.listen.isEmpty() ? List.of(loopback(0)) : List.copyOf(builder.listen);
        this.eyeball = builder.eyeball != null ? builder.eyeball : loopback(0);
        this.tlsDirectory = Optional.ofNullable(builder.tlsDirectory);
        this.protocols = Set.copyOf(builder.protocols);
        this.state = new EdgeState(credentials, builder.location, builder.remotelyManaged, builder.rules,
                builder.listeners, Optional.ofNullable(builder.localConfigurationError));
    }

    /** A builder with the defaults: random credentials, location {@value #DEFAULT_LOCATION}, loopback ports. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the QUIC listeners and the eyeball port, writes the TLS files and emits the {@code listening} event.
     *
     * @throws IllegalStateException when already started or closed
     * @throws UncheckedIOException when a port cannot be bound or the TLS files cannot be written
     */
    public LocalEdge start() {
        synchronized (lock) {
            if (started || closed) {
                throw new IllegalStateException(closed ? "start(): this LocalEdge is closed"
                        : "start(): this LocalEdge is already started");
            }
            started = true;
            group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("local-edge", true),
                    NioIoHandler.newFactory());
            try {
                bind();
            } catch (IOException | RuntimeException e) {
                shutdownQuietly();
                throw e instanceof IOException io ? new UncheckedIOException("LocalEdge cannot start: " + e, io)
                        : (RuntimeException) e;
            }
        }
        state.emit(listeningEvent());
        return this;
    }

    private void bind() throws IOException {
        tlsDir = tlsDirectory.isPresent() ? tlsDirectory.get() : Files.createTempDirectory("local-edge-tls");
        IssuedCertificate certificate = TestCertificateAuthority.create("LocalEdge CA").issueEdgeCertificate();
        caFile = certificate.writeTo(tlsDir).caCertificate();
        caPem = Files.readString(caFile, StandardCharsets.US_ASCII);
        QuicSslContext sslContext = certificate.quicServerSslContextBuilder()
                .applicationProtocols(ALPN)
                .option(BoringSSLContextOption.GROUPS, KEY_EXCHANGE_GROUPS)
                .build();
        SslContext tcpSslContext = certificate.serverSslContextBuilder().build();
        for (InetSocketAddress address : listen) {
            connectorAddresses.add(bindConnectorPort(address, sslContext, tcpSslContext));
        }
        eyeballChannel = await(EyeballServer.bind(group, eyeball, state, new AdminEndpoints(state)),
                "eyeball HTTP on " + eyeball);
    }

    /**
     * Binds QUIC (UDP) and HTTP/2 (TCP) on one host and port, as the real edge serves both on 7844. With port 0 the
     * TCP port is the one the UDP socket got; if another process holds it, both are bound anew a few times.
     */
    private InetSocketAddress bindConnectorPort(InetSocketAddress address, QuicSslContext quicSsl,
            SslContext tcpSsl) throws IOException {
        if (!protocols.contains(Protocol.QUIC)) {
            Channel tcp = await(Http2EdgeListener.bind(group, address, tcpSsl, state), "HTTP/2 on " + address);
            listeners.add(tcp);
            return (InetSocketAddress) tcp.localAddress();
        }
        for (int attempt = 1; ; attempt++) {
            Channel udp = await(QuicEdgeListener.bind(group, address, quicSsl, state), "QUIC on " + address);
            InetSocketAddress bound = QuicEdgeListener.localAddress(udp);
            if (!protocols.contains(Protocol.HTTP2)) {
                listeners.add(udp);
                return bound;
            }
            ChannelFuture tcp = Http2EdgeListener.bind(group, bound, tcpSsl, state).awaitUninterruptibly();
            if (tcp.isSuccess()) {
                listeners.add(udp);
                listeners.add(tcp.channel());
                return bound;
            }
            udp.close().awaitUninterruptibly();
            if (address.getPort() != 0 || attempt == BIND_ATTEMPTS) {
                throw new IOException("cannot bind HTTP/2 (TCP) on " + HostPort.format(bound) + ": "
                        + tcp.cause().getMessage(), tcp.cause());
            }
        }
    }

    private static Channel await(ChannelFuture future, String what) throws IOException {
        future.awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new IOException("cannot bind " + what + ": " + future.cause().getMessage(), future.cause());
        }
        return future.channel();
    }

    private ObjectNode listeningEvent() {
        ObjectNode event = EdgeEvent.start("listening");
        ArrayNode edges = event.putArray("edge");
        connectorAddresses().forEach(address -> edges.add(HostPort.format(address)));
        event.put("eyeball", HostPort.format(eyeballAddress()));
        event.put("ca", caFile().toString());
        event.put("accountTag", credentials.accountTag());
        event.put("tunnelId", credentials.tunnelId().toString());
        synchronized (lock) {
            if (credentialsFile != null) {
                event.put("credentialsFile", credentialsFile.toString());
            }
        }
        event.put("quic", protocols.contains(Protocol.QUIC));
        event.put("http2", protocols.contains(Protocol.HTTP2));
        return event;
    }

    // ---- where to point a connector and an eyeball

    /** The credentials of the tunnel this edge accepts (generated unless {@linkplain Builder#credentials set}). */
    public TunnelCredentials credentials() {
        return credentials;
    }

    /**
     * Writes {@link #credentials()} as a cloudflared credentials file ({@code AccountTag}, {@code TunnelSecret},
     * {@code TunnelID}) to {@code file}, for a connector's {@code --credentials-file}. Before {@link #start()} the
     * {@code listening} event names the file.
     */
    public Path writeCredentialsFile(Path file) throws IOException {
        requireNonNull(file, "file");
        ObjectNode json = EdgeEvent.mapper().createObjectNode();
        json.put("AccountTag", credentials.accountTag());
        json.put("TunnelSecret", Base64.getEncoder().encodeToString(credentials.tunnelSecret()));
        json.put("TunnelID", credentials.tunnelId().toString());
        credentials.endpoint().ifPresent(endpoint -> json.put("Endpoint", endpoint));
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, json.toPrettyString() + "\n", StandardCharsets.UTF_8);
        synchronized (lock) {
            credentialsFile = file;
        }
        return file;
    }

    /**
     * The connector addresses, what a connector passes to {@code --edge}: each serves QUIC on UDP and HTTP/2 on
     * TCP, as far as {@linkplain Builder#protocols accepted}.
     */
    public List<InetSocketAddress> connectorAddresses() {
        synchronized (lock) {
            requireStarted("connectorAddresses()");
            return List.copyOf(connectorAddresses);
        }
    }

    /** The protocols connectors may use with this edge. */
    public Set<Protocol> protocols() {
        return protocols;
    }

    /** The CA certificate the edge's certificate chains to, as PEM. */
    public String caCertificatePem() {
        synchronized (lock) {
            requireStarted("caCertificatePem()");
            return caPem;
        }
    }

    /** The file holding {@link #caCertificatePem()}, for a connector's {@code --cacert}. */
    public Path caFile() {
        synchronized (lock) {
            requireStarted("caFile()");
            return caFile;
        }
    }

    /** The eyeball HTTP address. */
    public InetSocketAddress eyeballAddress() {
        synchronized (lock) {
            requireStarted("eyeballAddress()");
            return (InetSocketAddress) eyeballChannel.localAddress();
        }
    }

    /** {@code http://host:port} of the eyeball port. */
    public String eyeballUrl() {
        return "http://" + HostPort.format(eyeballAddress());
    }

    /** The eyeball URI of {@code path} (which starts with {@code /} and may carry a query). */
    public URI eyeballUri(String path) {
        requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path: must start with '/', got \"" + path + "\"");
        }
        return URI.create(eyeballUrl() + path);
    }

    // ---- what connectors did

    /** Every registration answered so far, accepted or not, in order. */
    public List<Registration> registrations() {
        return state.registrations();
    }

    /** The next registration not taken yet, waiting at most {@code timeout}; empty if none came. */
    public Optional<Registration> takeRegistration(Duration timeout) throws InterruptedException {
        return state.takeRegistration(requireNonNull(timeout, "timeout"));
    }

    /**
     * Waits until at least {@code count} connections are registered and routable, and returns them. Their
     * registrations are in {@link #registrations()} (and {@link #takeRegistration}) by then; the {@code register}
     * events may follow a moment later.
     *
     * @throws TimeoutException naming the connections there are, when {@code timeout} passes first
     */
    public List<ConnectionInfo> awaitConnections(int count, Duration timeout)
            throws InterruptedException, TimeoutException {
        if (count < 0) {
            throw new IllegalArgumentException("count: must be >= 0, got " + count);
        }
        return state.awaitActive(count, requireNonNull(timeout, "timeout"));
    }

    /** The connections eyeball requests are routed to: registered, and neither unregistered nor closed. */
    public List<ConnectionInfo> activeConnections() {
        return state.activeConnections();
    }

    /**
     * How many Cap'n Proto {@code Bootstrap} messages connectors sent on their control streams: one per registration,
     * plus, from jflared connectors over QUIC, one per keep-alive ping (every second). cloudflared keeps QUIC alive
     * with PING frames instead, which do not count here.
     */
    public long controlStreamBootstraps() {
        return state.bootstraps();
    }

    /** The connections that called {@code unregisterConnection}, in order. */
    public List<ConnectionInfo> unregistrations() {
        return state.unregistrations();
    }

    /** What connectors sent with {@code updateLocalConfiguration}, in order. */
    public List<LocalConfiguration> localConfigurations() {
        return state.localConfigurations();
    }

    /** Every event so far, in order. */
    public List<EdgeEvent> events() {
        return state.events();
    }

    /** The next event not taken yet, waiting at most {@code timeout}; empty if none came. */
    public Optional<EdgeEvent> takeEvent(Duration timeout) throws InterruptedException {
        return state.takeEvent(requireNonNull(timeout, "timeout"));
    }

    /**
     * The next untaken event of type {@code type} (e.g. {@code "unregister"}), taking and skipping events of other
     * types, waiting at most {@code timeout} in all; empty if none came.
     */
    public Optional<EdgeEvent> takeEvent(String type, Duration timeout) throws InterruptedException {
        requireNonNull(type, "type");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            Optional<EdgeEvent> event = state.takeEvent(Duration.ofNanos(left));
            if (event.isEmpty() || event.get().type().equals(type)) {
                return event;
            }
        }
    }

    // ---- acting as the edge

    /**
     * Pushes a remotely managed configuration ({@code ConfigurationManager.updateConfiguration}) to every active
     * connection. The future completes with one result per connection once all answered; it does not fail.
     */
    public CompletableFuture<List<ConfigPushResult>> pushConfig(int version, String json) {
        requireNonNull(json, "json");
        return state.pushConfig(version, json, "api");
    }

    /**
     * Closes the connection registered with index {@code connIndex} abruptly, as a lost connection: the connector
     * sees the connection closed with an error, and no unregistration happens.
     *
     * @throws IllegalArgumentException when no connection with that index is registered
     */
    public void dropConnection(int connIndex) {
        state.sessionOf(connIndex)
                .orElseThrow(() -> new IllegalArgumentException("connIndex: no registered connection "
                        + connIndex + "; active: " + state.activeConnections()))
                .drop();
    }

    /**
     * Stops answering on the control stream of the connection registered with index {@code connIndex} while the
     * connection itself stays up, as an edge wedged on that connection: a connector that checks its control stream
     * (jflared's QUIC keep-alive) notices; one that does not, keeps serving it.
     *
     * @throws IllegalArgumentException when no connection with that index is registered
     */
    public void stallControlStream(int connIndex) {
        state.sessionOf(connIndex)
                .orElseThrow(() -> new IllegalArgumentException("connIndex: no registered connection "
                        + connIndex + "; active: " + state.activeConnections()))
                .stallControlStream();
    }

    /** Closes the listeners and every connection, and waits at most {@link #CLOSE_TIMEOUT} for them to stop. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (!started) {
                return;
            }
        }
        shutdownQuietly();
    }

    private void shutdownQuietly() {
        if (eyeballChannel != null) {
            eyeballChannel.close().awaitUninterruptibly(CLOSE_TIMEOUT.toMillis());
        }
        for (Channel listener : listeners) {
            listener.close().awaitUninterruptibly(CLOSE_TIMEOUT.toMillis());
        }
        boolean stopped = group.shutdownGracefully(0, CLOSE_TIMEOUT.toMillis() / 2, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(CLOSE_TIMEOUT.toMillis());
        if (tlsDirectory.isEmpty() && tlsDir != null) {
            deleteTree(tlsDir);
        }
        if (!stopped) {
            throw new IllegalStateException("LocalEdge did not stop within " + CLOSE_TIMEOUT);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // A temp directory left behind is harmless.
        }
    }

    private void requireStarted(String call) {
        if (!started) {
            throw new IllegalStateException(call + ": call start() first");
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "LocalEdge{tunnel=" + credentials.tunnelId() + ", protocols=" + protocols + (started
                    ? ", edge=" + connectorAddresses.stream().map(HostPort::format).toList() : "") + "}";
        }
    }

    private static TunnelCredentials randomCredentials() {
        byte[] account = new byte[16];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(account);
        RANDOM.nextBytes(secret);
        StringBuilder tag = new StringBuilder();
        for (byte b : account) {
            tag.append(String.format("%02x", b));
        }
        return new TunnelCredentials(tag.toString(), secret, UUID.randomUUID(), Optional.empty());
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** Configures a {@link LocalEdge}. */
    public static final class Builder {

        private TunnelCredentials credentials;
        private String location = DEFAULT_LOCATION;
        private boolean remotelyManaged;
        private String localConfigurationError;
        private final List<InetSocketAddress> listen = new ArrayList<>();
        private InetSocketAddress eyeball;
        private Path tlsDirectory;
        private final List<EdgeState.RegistrationRule> rules = new ArrayList<>();
        private final List<Consumer<EdgeEvent>> listeners = new ArrayList<>();
        private Set<Protocol> protocols = EnumSet.allOf(Protocol.class);

        private Builder() {}

        /**
         * The protocols connectors may use; default both. Without {@link Protocol#QUIC} no UDP port is bound, so a
         * connector's QUIC attempts time out as against a network that blocks UDP (the fallback case); without
         * {@link Protocol#HTTP2} no TCP port is bound.
         */
        public Builder protocols(Protocol... protocols) {
            if (protocols.length == 0) {
                throw new IllegalArgumentException("protocols: name at least one of " + List.of(Protocol.values()));
            }
            EnumSet<Protocol> chosen = EnumSet.noneOf(Protocol.class);
            for (Protocol protocol : protocols) {
                chosen.add(requireNonNull(protocol, "protocols[]"));
            }
            this.protocols = chosen;
            return this;
        }

        /** The tunnel the edge accepts; default: random credentials (see {@link LocalEdge#credentials()}). */
        public Builder credentials(TunnelCredentials credentials) {
            this.credentials = requireNonNull(credentials, "credentials");
            return this;
        }

        /** The location name answered on registration (logged by connectors as {@code location=}); default
         *  {@value LocalEdge#DEFAULT_LOCATION}. */
        public Builder location(String location) {
            requireNonNull(location, "location");
            if (location.isBlank()) {
                throw new IllegalArgumentException("location: must not be blank");
            }
            this.location = location;
            return this;
        }

        /** Whether registrations say the tunnel is remotely managed (then connectors send no local
         *  configuration); default false. */
        public Builder remotelyManaged(boolean remotelyManaged) {
            this.remotelyManaged = remotelyManaged;
            return this;
        }

        /**
         * Answers every {@code updateLocalConfiguration} with an RPC exception carrying {@code reason}, as an edge
         * that refuses the local configuration does (the configuration is still recorded as sent); default: accepted.
         */
        public Builder localConfigurationError(String reason) {
            this.localConfigurationError = requireNonNull(reason, "reason");
            return this;
        }

        /** Answers every registration (with right credentials) with this {@code ConnectionError}. */
        public Builder registrationError(String cause, Duration retryAfter, boolean shouldRetry) {
            return registrationError(registration -> true, cause, retryAfter, shouldRetry);
        }

        /**
         * Answers registrations that {@code when} matches with this {@code ConnectionError}. {@code when} sees the
         * registration before it is decided (no connection id, no cause); rules are tried in order.
         */
        public Builder registrationError(Predicate<Registration> when, String cause, Duration retryAfter,
                boolean shouldRetry) {
            requireNonNull(when, "when");
            rules.add(new EdgeState.RegistrationRule(when, new ConnectionError(requireNonNull(cause, "cause"),
                    requireNonNull(retryAfter, "retryAfter"), shouldRetry)));
            return this;
        }

        /**
         * Connector listen addresses (UDP for QUIC and TCP for HTTP/2 on each); default one loopback address, port 0
         * (keep port 0 in tests).
         */
        public Builder listen(InetSocketAddress... addresses) {
            for (InetSocketAddress address : addresses) {
                listen.add(requireNonNull(address, "addresses[]"));
            }
            return this;
        }

        /** The eyeball HTTP address; default loopback, port 0. */
        public Builder eyeball(InetSocketAddress address) {
            this.eyeball = requireNonNull(address, "address");
            return this;
        }

        /** Where {@code ca.pem}, {@code server.pem} and {@code server.key} are written; default a temporary
         *  directory, deleted on close. */
        public Builder tlsDirectory(Path directory) {
            this.tlsDirectory = requireNonNull(directory, "directory");
            return this;
        }

        /** Receives every event, on the edge's event loops; must not block. */
        public Builder eventListener(Consumer<EdgeEvent> listener) {
            listeners.add(requireNonNull(listener, "listener"));
            return this;
        }

        public LocalEdge build() {
            return new LocalEdge(this);
        }
    }
}
