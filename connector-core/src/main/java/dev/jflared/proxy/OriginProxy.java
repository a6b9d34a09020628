package dev.jflared.proxy;

import static java.util.Objects.requireNonNull;

import dev.jflared.ingress.Ingress;
import dev.jflared.ingress.IngressRule;
import dev.jflared.ingress.OriginService;
import dev.jflared.proxy.internal.EnvironmentProxy;
import dev.jflared.proxy.internal.HelloWorldOrigin;
import dev.jflared.proxy.internal.HttpOrigin;
import dev.jflared.proxy.internal.OriginConnector;
import dev.jflared.proxy.internal.OriginTls;
import dev.jflared.proxy.internal.ProxiedRequest;
import dev.jflared.proxy.internal.SocksProxyOrigin;
import dev.jflared.proxy.internal.StatusOrigin;
import dev.jflared.proxy.internal.StreamOrigin;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a tunnel request meets its origin. Every transport hands its decoded {@link TunnelRequest}s here with a
 * {@link TunnelResponder}; the proxy matches the ingress rule (on the snapshot current when the request arrived,
 * kept for the whole request) and serves the request from that rule's service.
 *
 * <pre>{@code
 * OriginProxy proxy = OriginProxy.builder()
 *         .ingress(orchestrator::currentIngress)
 *         .tag("ID", connectorId.toString())
 *         .inProcessOrigin("app", myHandler)
 *         .events(metrics)
 *         .build();
 * proxy.proxy(request, responder);   // on any thread; the work happens on request.eventLoop()
 * }</pre>
 *
 * <h2>Services</h2>
 * <ul>
 *   <li>{@code http(s)://}, {@code unix:}, {@code unix+tls:}: {@code HttpOrigin}, pooled per origin and loop,
 *       HTTP/1.1 or HTTP/2, websockets upgraded then relayed as bytes.</li>
 *   <li>{@code tcp://}, {@code ssh://}, {@code rdp://}, {@code smb://}, ...: raw bytes for kind tcp; for an
 *       Access client (websocket or http), websocket frames carrying the bytes, as {@code cloudflared access}; with
 *       {@code proxyType: socks}, a SOCKS5 handshake in those frames first, every CONNECT given the rule's
 *       origin.</li>
 *   <li>{@code bastion} (or {@code bastionMode}): the same, to the {@code Cf-Access-Jump-Destination}.</li>
 *   <li>{@code socks-proxy}: a SOCKS5 server over the websocket stream, filtered by {@code ipRules}.</li>
 *   <li>{@code http_status:NNN}, {@code hello_world}: answered in-process; no socket is opened.</li>
 *   <li>{@code InProcess(name)}: the {@link InProcessOrigin} registered under that name.</li>
 *   <li>Kind tcp with {@link Builder#warpRouting(boolean) warp routing} on: a raw stream to the request's
 *       destination (private networking), as cloudflared's {@code ProxyTCP}.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * A request is served on its {@code eventLoop()}, and so are its origin connections. The proxy itself is
 * thread-safe.
 *
 * <h2>Errors</h2>
 * A failure before the response head is answered through {@link TunnelResponder#fail}, logged once at ERROR with
 * the rule index and the cause, and reported to {@link ProxyEvents#originError}.
 */
public final class OriginProxy implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(OriginProxy.class);

    private final Supplier<Ingress> ingress;
    private final Map<String, InProcessOrigin> inProcessOrigins;
    private final ProxyEvents events;
    private final boolean warpRouting;
    private final HttpOrigin http;
    private final StreamOrigin stream;
    private final HelloWorldOrigin helloWorld;
    private final SocksProxyOrigin socks;

    private OriginProxy(Builder builder) {
        this.ingress = builder.ingress;
        this.inProcessOrigins = Map.copyOf(builder.inProcessOrigins);
        this.events = builder.events;
        this.warpRouting = builder.warpRouting;
        OriginConnector connector = new OriginConnector(builder.allocator, new OriginTls(),
                EnvironmentProxy.fromEnvironment());
        this.http = new HttpOrigin(connector, builder.tags);
        this.stream = new StreamOrigin(builder.allocator, events);
        this.helloWorld = new HelloWorldOrigin(builder.clock);
        this.socks = new SocksProxyOrigin(stream, builder.allocator);
    }

    /** A builder; {@link Builder#ingress} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Serves {@code request}, answering through {@code responder}. Callable from any thread: the work moves to
     * {@code request.eventLoop()}.
     */
    public void proxy(TunnelRequest request, TunnelResponder responder) {
        requireNonNull(request, "request");
        requireNonNull(responder, "responder");
        EventLoop loop = request.eventLoop();
        if (!loop.inEventLoop()) {
            loop.execute(() -> proxy(request, responder));
            return;
        }
        events.requestStarted(request);
        if (request.kind() == TunnelRequest.Kind.TCP && warpRouting) {
            stream.servePrivateNetwork(new ProxiedRequest(request, null, responder, events));
            return;
        }
        IngressRule rule = ingress.get().match(request.host(), request.path());
        ProxiedRequest call = new ProxiedRequest(request, rule, responder, events);
        logger.debug("requestId={} {} {} host={} path={} ingressRule={}", request.requestId(), request.kind(),
                request.method(), request.host(), request.path(), rule.index());
        try {
            dispatch(call, rule);
        } catch (RuntimeException e) {
            call.fail(new OriginUnreachableException(e));
        }
    }

    private void dispatch(ProxiedRequest call, IngressRule rule) {
        OriginService service = rule.service();
        if (rule.originRequest().bastionMode() && !(service instanceof OriginService.Bastion)) {
            stream.serveBastion(call);
            return;
        }
        if (service instanceof OriginService.Http || service instanceof OriginService.Unix) {
            http.serve(call);
        } else if (service instanceof OriginService.Stream target) {
            stream.serve(call, target.host(), target.port());
        } else if (service instanceof OriginService.HttpStatus status) {
            StatusOrigin.serve(call, status);
        } else if (service instanceof OriginService.HelloWorld) {
            helloWorld.serve(call);
        } else if (service instanceof OriginService.Bastion) {
            stream.serveBastion(call);
        } else if (service instanceof OriginService.SocksProxy) {
            socks.serve(call);
        } else if (service instanceof OriginService.InProcess inProcess) {
            serveInProcess(call, inProcess);
        }
    }

    private void serveInProcess(ProxiedRequest call, OriginService.InProcess service) {
        InProcessOrigin origin = inProcessOrigins.get(service.name());
        if (origin == null) {
            call.fail(new IllegalStateException("no in-process origin is registered as \"" + service.name() + "\""));
            return;
        }
        try {
            origin.serve(call.request(), call);
        } catch (RuntimeException e) {
            if (!call.answered()) {
                call.fail(new OriginUnreachableException(e));
            } else {
                logger.warn("in-process origin {} threw after answering requestId={}", service.name(),
                        call.request().requestId(), e);
            }
        }
    }

    /** Closes the pooled origin connections. Requests in flight go on until they end. */
    @Override
    public void close() {
        http.close();
    }

    /** Builds an {@link OriginProxy}. Not thread-safe. */
    public static final class Builder {

        private Supplier<Ingress> ingress;
        private final Map<String, InProcessOrigin> inProcessOrigins = new LinkedHashMap<>();
        private final Map<String, String> tags = new LinkedHashMap<>();
        private ProxyEvents events = ProxyEvents.NOOP;
        private ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
        private boolean warpRouting;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** The current ingress; called once per request, which then keeps that snapshot. Required. */
        public Builder ingress(Supplier<Ingress> ingress) {
            this.ingress = requireNonNull(ingress, "ingress");
            return this;
        }

        /** Registers the handler for {@code OriginService.InProcess(name)}. None by default. */
        public Builder inProcessOrigin(String name, InProcessOrigin origin) {
            inProcessOrigins.put(requireNonNull(name, "name"), requireNonNull(origin, "origin"));
            return this;
        }

        /**
         * Adds a connector tag, sent to HTTP origins as {@code Cf-Warp-Tag-<name>: value}. cloudflared always
         * has {@code ID} = the connector's client id. None by default.
         */
        public Builder tag(String name, String value) {
            tags.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
            return this;
        }

        /** Where request events go, for metrics. Default {@link ProxyEvents#NOOP}. */
        public Builder events(ProxyEvents events) {
            this.events = requireNonNull(events, "events");
            return this;
        }

        /** The allocator of origin connections. Default {@link ByteBufAllocator#DEFAULT}. */
        public Builder allocator(ByteBufAllocator allocator) {
            this.allocator = requireNonNull(allocator, "allocator");
            return this;
        }

        /**
         * Whether kind-tcp requests go to their own destination (private networking, cloudflared's
         * {@code warp-routing: enabled}). Default false: they are matched to an ingress rule like the others.
         */
        public Builder warpRouting(boolean enabled) {
            this.warpRouting = enabled;
            return this;
        }

        /** The clock of {@code hello_world}'s {@code /uptime}. Default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /** Builds the proxy; fails when no ingress was given. */
        public OriginProxy build() {
            if (ingress == null) {
                throw new IllegalStateException("ingress(...) must be set before build()");
            }
            return new OriginProxy(this);
        }
    }
}
