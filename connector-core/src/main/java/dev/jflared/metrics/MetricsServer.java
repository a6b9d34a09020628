package dev.jflared.metrics;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local HTTP server behind {@code --metrics}: {@code /metrics}, {@code /ready}, {@code /healthcheck},
 * {@code /quicktunnel} and {@code /config} (see {@link MetricsHttpHandler} for what each answers).
 *
 * <pre>{@code
 * try (MetricsServer server = MetricsServer.builder(registry)
 *         .address(metricsFlag)              // "localhost:0" when the flag is absent
 *         .readiness(supervisor)
 *         .config(orchestrator)
 *         .build()) {
 *     server.start();                        // logs "Starting metrics server on 127.0.0.1:20241/metrics"
 *     ...
 * }
 * }</pre>
 *
 * <h2>Address</h2>
 * {@code host:port}, {@code [ipv6]:port} or {@code :port} (all interfaces); port 0 picks a free port. The default,
 * {@value #DEFAULT_ADDRESS}, is special as in cloudflared ({@code metrics.CreateMetricsListener}): the first free
 * of {@code localhost:20241} to {@code localhost:20245} is taken, so tools can find the server, and only if all
 * five are taken a free port on localhost. Any other address is bound as given or fails.
 *
 * <h2>Threads</h2>
 * {@link #start()} blocks the calling thread until bound, so it must not run on an event loop. Requests are
 * served on one event loop (its own single-thread group unless {@link Builder#eventLoopGroup} gave one); the
 * sources it reads must answer without blocking. {@link #close()} closes the listener and, if the group is its
 * own, shuts it down.
 */
public final class MetricsServer implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(MetricsServer.class);

    /** cloudflared's default {@code --metrics} value: search the known ports, then any free port on localhost. */
    public static final String DEFAULT_ADDRESS = "localhost:0";

    /** The addresses tried, in order, for {@link #DEFAULT_ADDRESS} ({@code metrics.GetMetricsKnownAddresses}). */
    public static final List<String> KNOWN_ADDRESSES = List.of(
            "localhost:20241", "localhost:20242", "localhost:20243", "localhost:20244", "localhost:20245");

    /** Go's http.Server in cloudflared reads a request within 10 s; idle keep-alive connections close after it. */
    private static final int READ_TIMEOUT_SECONDS = 10;
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final String address;
    private final List<String> knownAddresses;
    private final MetricsHttpHandler handler;
    private final EventLoopGroup group;
    private final boolean ownGroup;
    private volatile Channel channel;

    private MetricsServer(Builder builder) {
        this.address = builder.address;
        this.knownAddresses = builder.knownAddresses;
        this.handler = new MetricsHttpHandler(builder.registry, builder.readiness, builder.config,
                builder.quickTunnelHostname);
        this.ownGroup = builder.group == null;
        this.group = ownGroup ? new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()) : builder.group;
    }

    /** A builder serving {@code registry} at {@code /metrics}. */
    public static Builder builder(MetricRegistry registry) {
        return new Builder(registry);
    }

    /**
     * Binds the listener and logs {@code Starting metrics server on <ip>:<port>/metrics}. After a failure the
     * server still holds its event loop: {@link #close()} it.
     *
     * @throws MetricsServerException if the address is malformed or cannot be bound
     * @throws IllegalStateException if already started, or called on one of the server's event loops
     */
    public synchronized void start() {
        if (channel != null) {
            throw new IllegalStateException("metrics server already started on " + channel.localAddress());
        }
        for (EventExecutor executor : group) {
            if (executor.inEventLoop()) {
                throw new IllegalStateException("MetricsServer.start() blocks; call it outside the event loop");
            }
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline pipeline = ch.pipeline();
                        pipeline.addLast("readTimeout", new ReadTimeoutHandler(READ_TIMEOUT_SECONDS));
                        pipeline.addLast("httpCodec", new HttpServerCodec());
                        pipeline.addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES));
                        pipeline.addLast("routes", handler);
                    }
                });
        channel = DEFAULT_ADDRESS.equals(address) ? bindKnownAddress(bootstrap) : bindExactly(bootstrap, address);
        logger.info("Starting metrics server on {}/metrics", format(localAddress()));
    }

    private Channel bindKnownAddress(ServerBootstrap bootstrap) {
        for (String known : knownAddresses) {
            ChannelFuture bound = bootstrap.bind(parse(known)).awaitUninterruptibly();
            if (bound.isSuccess()) {
                return bound.channel();
            }
            logger.atDebug().addKeyValue("address", known).addKeyValue("error", bound.cause().getMessage())
                    .log("Metrics address taken, trying the next");
        }
        ChannelFuture bound = bootstrap.bind(parse(DEFAULT_ADDRESS)).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new MetricsServerException("failed to listen to default metrics address: "
                    + bound.cause().getMessage(), bound.cause());
        }
        return bound.channel();
    }

    private static Channel bindExactly(ServerBootstrap bootstrap, String address) {
        ChannelFuture bound = bootstrap.bind(parse(address)).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new MetricsServerException("failed to bind to address (" + address + "): "
                    + bound.cause().getMessage(), bound.cause());
        }
        return bound.channel();
    }

    /** The address actually bound. */
    public InetSocketAddress localAddress() {
        Channel bound = channel;
        if (bound == null) {
            throw new IllegalStateException("metrics server not started");
        }
        return (InetSocketAddress) bound.localAddress();
    }

    /** Stops listening, waits for the listener to close and, if the event loop group is its own, shuts it down. */
    @Override
    public synchronized void close() {
        Channel bound = channel;
        if (bound != null) {
            bound.close().syncUninterruptibly();
            logger.info("Metrics server stopped");
        }
        if (ownGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * Parses {@code host:port}, {@code [v6]:port} or {@code :port}, quoting the input in any error.
     *
     * @throws MetricsServerException if it is not one of those, or the port is out of range
     */
    static InetSocketAddress parse(String address) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new MetricsServerException("metrics address \"" + address + "\" needs a port: use host:port");
        }
        String host = address.substring(0, colon);
        String portText = address.substring(colon + 1);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new MetricsServerException("metrics address \"" + address + "\" has an invalid port \""
                    + portText + "\"");
        }
        if (port < 0 || port > 65535) {
            throw new MetricsServerException("metrics address \"" + address + "\" has port " + port
                    + " outside 0-65535");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new MetricsServerException("metrics address \"" + address
                    + "\": put an IPv6 address in brackets, e.g. [::1]:" + portText);
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /** Go's TCPAddr form: {@code 127.0.0.1:20241}, {@code [::1]:20241}. */
    static String format(InetSocketAddress address) {
        String ip = NetUtil.toAddressString(address.getAddress());
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + address.getPort();
    }

    /** Configures a {@link MetricsServer}. Only the registry is required. */
    public static final class Builder {
        private final MetricRegistry registry;
        private String address = DEFAULT_ADDRESS;
        private List<String> knownAddresses = KNOWN_ADDRESSES;
        private ReadinessSource readiness;
        private ConfigSource config;
        private String quickTunnelHostname = "";
        private EventLoopGroup group;

        private Builder(MetricRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** The {@code --metrics} address; default {@value #DEFAULT_ADDRESS}, which tries {@link #KNOWN_ADDRESSES}. */
        public Builder address(String address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * The addresses tried in order for the default address; default {@link #KNOWN_ADDRESSES}. Tests set ports
         * they control here.
         */
        public Builder knownAddresses(List<String> knownAddresses) {
            List<String> copy = List.copyOf(knownAddresses);
            copy.forEach(MetricsServer::parse);
            this.knownAddresses = new ArrayList<>(copy);
            return this;
        }

        /** What {@code /ready} reports; without it {@code /ready} is 404, as in cloudflared without a ready server. */
        public Builder readiness(ReadinessSource readiness) {
            this.readiness = Objects.requireNonNull(readiness, "readiness");
            return this;
        }

        /** What {@code /config} serves; without it {@code /config} is 404, as cloudflared without an orchestrator. */
        public Builder config(ConfigSource config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The hostname {@code /quicktunnel} reports; default empty, as for every named tunnel. */
        public Builder quickTunnelHostname(String hostname) {
            this.quickTunnelHostname = Objects.requireNonNull(hostname, "hostname");
            return this;
        }

        /** Serve on this group instead of a single-thread group of its own; the server will not shut it down. */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /** The server, not yet listening; call {@link MetricsServer#start()}. */
        public MetricsServer build() {
            if (!DEFAULT_ADDRESS.equals(address)) {
                parse(address);
            }
            return new MetricsServer(this);
        }
    }
}
