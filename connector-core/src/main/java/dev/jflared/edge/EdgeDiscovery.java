package dev.jflared.edge;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the edge's addresses and returns them as an {@link EdgeAddressPool}, as cloudflared's
 * {@code edgediscovery/allregions} does.
 *
 * <h2>Discovery</h2>
 * <ol>
 *   <li>Look up the SRV records of {@code _v2-origintunneld._tcp.argotunnel.com}; with {@code --region us} the
 *       service is {@code us-v2-origintunneld} ({@code getRegionalServiceName}, {@code regions.go}).</li>
 *   <li>If the system resolver fails, ask again over DNS-over-TLS at {@code 1.1.1.1:853}, server name
 *       {@code cloudflare-dns.com} (GitHub issue cloudflared#75); the original error is the one reported.</li>
 *   <li>Resolve each SRV target (in priority order) to its addresses on the SRV port, limited to
 *       {@code --edge-ip-version}. The first two targets are the two regions; fewer than two is an error.</li>
 * </ol>
 * With {@code --edge HOST:PORT} values there is no SRV lookup: each host resolves to one address, the ones that
 * fail are logged and skipped, and the addresses are dealt alternately into two regions ({@code StaticEdge}).
 *
 * <pre>{@code
 * EdgeDiscovery discovery = EdgeDiscovery.builder().eventLoopGroup(group).region("us").build();
 * discovery.discover().addListener(f -> ...);   // Future<EdgeAddressPool>; fails with EdgeDiscoveryException
 * }</pre>
 *
 * <p>Each {@link #discover()} uses a fresh resolver on one loop of the group and closes it when done. Instances
 * are immutable and thread-safe.
 */
public final class EdgeDiscovery {

    /** The SRV service of the global edge: {@code srvService}, {@code discovery.go}. */
    public static final String SRV_SERVICE = "v2-origintunneld";
    /** The SRV protocol label: {@code srvProto}. */
    public static final String SRV_PROTO = "tcp";
    /** The SRV domain: {@code srvName}. */
    public static final String SRV_DOMAIN = "argotunnel.com";
    /** The DNS-over-TLS fallback server: {@code dotServerAddr} {@code 1.1.1.1:853}. */
    public static final InetSocketAddress DOT_SERVER = new InetSocketAddress(ipv4(1, 1, 1, 1), 853);
    /** The name the fallback server's certificate must carry: {@code dotServerName}. */
    public static final String DOT_SERVER_NAME = "cloudflare-dns.com";
    /** How long the fallback may take: {@code dotTimeout}. */
    public static final Duration DOT_TIMEOUT = Duration.ofSeconds(15);

    private static final Logger logger = LoggerFactory.getLogger(EdgeDiscovery.class);
    private static final Pattern REGION = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private final EventLoopGroup group;
    private final String region;
    private final EdgeIpVersion ipVersion;
    private final List<HostAndPort> staticEdge;
    private final InetSocketAddress nameServer;
    private final ChannelFactory<? extends DatagramChannel> datagramChannelFactory;
    private final ChannelFactory<? extends SocketChannel> socketChannelFactory;
    private final Clock clock;
    private final DnsOverTlsSrvLookup dnsOverTls;

    private EdgeDiscovery(Builder builder) throws SSLException {
        this.group = builder.group;
        this.region = builder.region;
        this.ipVersion = builder.ipVersion;
        this.staticEdge = List.copyOf(builder.staticEdge);
        this.nameServer = builder.nameServer;
        this.datagramChannelFactory = builder.datagramChannelFactory;
        this.socketChannelFactory = builder.socketChannelFactory;
        this.clock = builder.clock;
        SslContext dotContext = SslContextBuilder.forClient()
                .trustManager(builder.dnsOverTlsTrust)
                .endpointIdentificationAlgorithm("HTTPS")
                .build();
        this.dnsOverTls = new DnsOverTlsSrvLookup(builder.dnsOverTlsServer, DOT_SERVER_NAME, dotContext,
                DOT_TIMEOUT, socketChannelFactory);
    }

    /** A builder; the event loop group is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The SRV name looked up, e.g. {@code _us-v2-origintunneld._tcp.argotunnel.com}. */
    public String srvName() {
        String service = region.isEmpty() ? SRV_SERVICE : region + "-" + SRV_SERVICE;
        return "_" + service + "._" + SRV_PROTO + "." + SRV_DOMAIN;
    }

    /**
     * Finds the edge addresses. The future fails with {@link EdgeDiscoveryException} when they cannot be found.
     */
    public Future<EdgeAddressPool> discover() {
        EventLoop loop = group.next();
        Promise<EdgeAddressPool> promise = loop.newPromise();
        DnsNameResolver resolver = newResolver(loop);
        promise.addListener(done -> resolver.close());
        loop.execute(() -> {
            if (staticEdge.isEmpty()) {
                lookUpSrv(resolver, loop, promise);
            } else {
                new StaticEdgeResolution(resolver, promise).start();
            }
        });
        return promise;
    }

    private DnsNameResolver newResolver(EventLoop loop) {
        DnsNameResolverBuilder builder = new DnsNameResolverBuilder(loop)
                .datagramChannelFactory(datagramChannelFactory)
                .socketChannelFactory(socketChannelFactory)
                .resolvedAddressTypes(staticEdge.isEmpty()
                        ? ipVersion.resolvedAddressTypes()
                        : EdgeIpVersion.AUTO.resolvedAddressTypes());
        if (nameServer != null) {
            builder.nameServerProvider(new SingletonDnsServerAddressStreamProvider(nameServer))
                    .searchDomains(List.of());
        }
        return builder.build();
    }

    private void lookUpSrv(DnsNameResolver resolver, EventLoop loop, Promise<EdgeAddressPool> promise) {
        String name = srvName();
        logger.debug("looking up edge SRV record domain={}", name);
        resolver.resolveAll(new DefaultDnsQuestion(name, DnsRecordType.SRV)).addListener(
                (Future<List<DnsRecord>> answer) -> {
                    List<SrvRecord> records = new ArrayList<>();
                    Throwable error = answer.isSuccess() ? decode(name, answer.getNow(), records) : answer.cause();
                    if (error == null) {
                        resolveTargets(resolver, records, promise);
                        return;
                    }
                    logger.debug("SRV lookup of {} failed ({}); trying DNS-over-TLS at {}", name, error,
                            dnsOverTls.server());
                    dnsOverTls.lookup(loop, name).addListener((Future<List<SrvRecord>> fallback) -> {
                        if (fallback.isSuccess() && !fallback.getNow().isEmpty()) {
                            resolveTargets(resolver, fallback.getNow(), promise);
                            return;
                        }
                        logger.debug("DNS-over-TLS lookup of {} failed too", name, fallback.cause());
                        // Like cloudflared, report the system resolver's error, not the fallback's.
                        promise.tryFailure(new EdgeDiscoveryException("could not lookup srv records on " + name
                                + ": " + describe(error) + "; check your network and DNS (try: dig srv " + name
                                + "), or give edge addresses with --edge HOST:PORT", error));
                    });
                });
    }

    /** Decodes the SRV answers into {@code records} and releases them; returns the error, if any. */
    private static Throwable decode(String name, List<DnsRecord> answers, List<SrvRecord> records) {
        try {
            records.addAll(SrvRecord.decodeAll(answers));
            return records.isEmpty() ? new UnknownHostException("no SRV records for " + name) : null;
        } catch (IllegalArgumentException e) {
            return e;
        } finally {
            answers.forEach(ReferenceCountUtil::release);
        }
    }

    private void resolveTargets(DnsNameResolver resolver, List<SrvRecord> records, Promise<EdgeAddressPool> promise) {
        if (records.size() < 2) {
            promise.tryFailure(new EdgeDiscoveryException("expected at least 2 Cloudflare regions, but the SRV"
                    + " lookup of " + srvName() + " returned " + records.size() + ": " + records));
            return;
        }
        List<SrvRecord> regions = records.subList(0, 2);
        List<Future<List<InetAddress>>> lookups = new ArrayList<>();
        for (SrvRecord record : regions) {
            lookups.add(resolver.resolveAll(record.target()));
        }
        int[] remaining = {lookups.size()};
        for (Future<List<InetAddress>> lookup : lookups) {
            lookup.addListener(done -> {
                if (--remaining[0] == 0) {
                    completeRegions(regions, lookups, promise);
                }
            });
        }
    }

    private void completeRegions(List<SrvRecord> regions, List<Future<List<InetAddress>>> lookups,
            Promise<EdgeAddressPool> promise) {
        List<List<EdgeAddress>> addresses = new ArrayList<>();
        for (int i = 0; i < regions.size(); i++) {
            SrvRecord record = regions.get(i);
            Future<List<InetAddress>> lookup = lookups.get(i);
            if (!lookup.isSuccess() || lookup.getNow().isEmpty()) {
                String reason = lookup.isSuccess() ? "it had no IPs" : describe(lookup.cause());
                String hint = ipVersion == EdgeIpVersion.AUTO ? ""
                        : "; with --edge-ip-version " + ipVersion.flagValue() + " only IPv"
                                + ipVersion.flagValue() + " addresses are looked up";
                promise.tryFailure(new EdgeDiscoveryException("couldn't resolve SRV record " + record + " from "
                        + srvName() + ": " + reason + hint, lookup.cause()));
                return;
            }
            List<EdgeAddress> region = new ArrayList<>();
            for (InetAddress ip : lookup.getNow()) {
                region.add(EdgeAddress.of(ip, record.port()));
            }
            logger.debug("edge region {} ({}): {}", i + 1, record.target(), region);
            addresses.add(region);
        }
        promise.trySuccess(EdgeAddressPool.ofRegions(addresses.get(0), addresses.get(1), ipVersion, clock));
    }

    private static String describe(Throwable error) {
        return error.getMessage() != null ? error.getMessage() : error.toString();
    }

    private static InetAddress ipv4(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Resolves the {@code --edge} values, one address each, skipping those that fail. */
    private final class StaticEdgeResolution {
        private final DnsNameResolver resolver;
        private final Promise<EdgeAddressPool> promise;
        private final List<Future<InetAddress>> lookups = new ArrayList<>();

        StaticEdgeResolution(DnsNameResolver resolver, Promise<EdgeAddressPool> promise) {
            this.resolver = resolver;
            this.promise = promise;
        }

        void start() {
            for (HostAndPort edge : staticEdge) {
                lookups.add(resolver.resolve(edge.host()));
            }
            int[] remaining = {lookups.size()};
            for (Future<InetAddress> lookup : lookups) {
                lookup.addListener(done -> {
                    if (--remaining[0] == 0) {
                        complete();
                    }
                });
            }
        }

        private void complete() {
            List<EdgeAddress> addresses = new ArrayList<>();
            Throwable firstError = null;
            for (int i = 0; i < staticEdge.size(); i++) {
                Future<InetAddress> lookup = lookups.get(i);
                if (lookup.isSuccess()) {
                    addresses.add(EdgeAddress.of(lookup.getNow(), staticEdge.get(i).port()));
                } else {
                    logger.error("failed to resolve --edge address={} error={}", staticEdge.get(i),
                            describe(lookup.cause()));
                    firstError = firstError == null ? lookup.cause() : firstError;
                }
            }
            if (addresses.isEmpty()) {
                promise.tryFailure(new EdgeDiscoveryException("failed to resolve any edge address given with --edge "
                        + staticEdge + ": " + describe(firstError), firstError));
                return;
            }
            promise.trySuccess(EdgeAddressPool.ofStaticAddresses(addresses, clock));
        }
    }

    /** Builds an {@link EdgeDiscovery}; every setter documents its default. */
    public static final class Builder {

        private EventLoopGroup group;
        private String region = "";
        private EdgeIpVersion ipVersion = EdgeIpVersion.AUTO;
        private final List<HostAndPort> staticEdge = new ArrayList<>();
        private InetSocketAddress nameServer;
        private ChannelFactory<? extends DatagramChannel> datagramChannelFactory = NioDatagramChannel::new;
        private ChannelFactory<? extends SocketChannel> socketChannelFactory = NioSocketChannel::new;
        private Clock clock = Clock.systemUTC();
        private InetSocketAddress dnsOverTlsServer = DOT_SERVER;
        private TrustManagerFactory dnsOverTlsTrust;

        private Builder() {}

        /** The loops the DNS queries run on; required. Its transport must match the channel factories. */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /**
         * The edge region ({@code --region}), e.g. {@code us}; default empty, the global edge. Ignored with
         * {@link #edge(String)}.
         */
        public Builder region(String region) {
            Objects.requireNonNull(region, "region");
            if (!region.isEmpty() && !REGION.matcher(region).matches()) {
                throw new IllegalArgumentException("--region '" + region + "': expected a region name such as 'us'"
                        + " (lower-case letters, digits and hyphens), or empty for the global edge");
            }
            this.region = region;
            return this;
        }

        /** Which IP versions to use ({@code --edge-ip-version}); default {@link EdgeIpVersion#AUTO}. */
        public Builder ipVersion(EdgeIpVersion ipVersion) {
            this.ipVersion = Objects.requireNonNull(ipVersion, "ipVersion");
            return this;
        }

        /**
         * Adds a fixed edge address {@code HOST:PORT} ({@code --edge}, repeatable); any given replaces SRV
         * discovery. Default: none.
         *
         * @throws IllegalArgumentException when the value is not {@code HOST:PORT}; the message quotes it
         */
        public Builder edge(String hostAndPort) {
            staticEdge.add(HostAndPort.parse(hostAndPort));
            return this;
        }

        /**
         * Sends DNS queries to this server instead of the system's ({@code /etc/resolv.conf}), without search
         * domains; default: the system's servers.
         */
        public Builder nameServer(InetSocketAddress nameServer) {
            this.nameServer = Objects.requireNonNull(nameServer, "nameServer");
            return this;
        }

        /** Creates the UDP channels for DNS; default NIO. */
        public Builder datagramChannelFactory(ChannelFactory<? extends DatagramChannel> factory) {
            this.datagramChannelFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /** Creates the TCP channels for DNS over TCP and DNS-over-TLS; default NIO. */
        public Builder socketChannelFactory(ChannelFactory<? extends SocketChannel> factory) {
            this.socketChannelFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /** The clock the address pool times its IPv6-to-IPv4 fallback with; default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Test only: where the DNS-over-TLS fallback goes instead of {@link #DOT_SERVER}. */
        Builder dnsOverTlsServer(InetSocketAddress server) {
            this.dnsOverTlsServer = Objects.requireNonNull(server, "server");
            return this;
        }

        /** Test only: the CAs the fallback server's certificate must chain to instead of the JVM's defaults. */
        Builder dnsOverTlsTrust(TrustManagerFactory trust) {
            this.dnsOverTlsTrust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /**
         * A new discovery.
         *
         * @throws IllegalStateException when the event loop group is missing, or TLS for the fallback cannot be
         *     set up
         */
        public EdgeDiscovery build() {
            if (group == null) {
                throw new IllegalStateException("eventLoopGroup(...) must be called before build()");
            }
            try {
                return new EdgeDiscovery(this);
            } catch (SSLException e) {
                throw new IllegalStateException("cannot set up TLS for the DNS-over-TLS fallback", e);
            }
        }
    }
}
