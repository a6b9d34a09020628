package dev.jflared.testkit.junit;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpHandler;
import dev.jflared.Tunnel;
import dev.jflared.TunnelBuilder;
import dev.jflared.embed.JdkHttpHandlerOrigin;
import dev.jflared.ingress.Ingress;
import dev.jflared.proxy.InProcessOrigin;
import dev.jflared.testkit.LocalEdge;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * "My server behind a tunnel" in a JUnit 5 test: starts a {@link LocalEdge} and a {@link Tunnel} serving your
 * handler through it, and gives you the eyeball URL to send requests to, as Cloudflare's edge would.
 *
 * <pre>{@code
 * class HelloTest {
 *     @RegisterExtension
 *     static LocalTunnelExtension tunnel = LocalTunnelExtension.forHttpHandler(exchange -> {
 *         byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
 *         exchange.sendResponseHeaders(200, body.length);
 *         exchange.getResponseBody().write(body);
 *         exchange.close();
 *     });
 *
 *     @Test
 *     void answersThroughTheTunnel() throws Exception {
 *         HttpResponse<String> response = HttpClient.newHttpClient().send(
 *                 HttpRequest.newBuilder(tunnel.eyeballUri("/")).build(), HttpResponse.BodyHandlers.ofString());
 *         assertThat(response.body()).isEqualTo("hello");
 *     }
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * In a {@code static} field the edge and tunnel start once before all tests of the class and close after them;
 * in an instance field, around each test. Starting waits until the tunnel has a serving connection (at most
 * {@link Builder#readyTimeout}, default 30 s). Closing closes the tunnel ({@link Tunnel#closeNow()}), the edge,
 * and the {@link JdkHttpHandlerOrigin} the extension made for an {@code HttpHandler}.
 *
 * <h2>Requirements</h2>
 * A transport on the test class path ({@code dev.jflared:transport-quic}); {@link LocalEdge} speaks QUIC.
 * Test methods may declare {@link LocalEdge} or {@link Tunnel} parameters to get the running ones.
 */
public final class LocalTunnelExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {

    private final InProcessOrigin handler;
    private final Ingress ingress;
    private final HttpHandler httpHandler;
    private final Consumer<TunnelBuilder> customizer;
    private final Duration readyTimeout;
    private JdkHttpHandlerOrigin ownOrigin;
    private LocalEdge edge;
    private Tunnel tunnel;
    private boolean perClass;

    private LocalTunnelExtension(Builder builder) {
        this.handler = builder.handler;
        this.ingress = builder.ingress;
        this.httpHandler = builder.httpHandler;
        this.customizer = builder.customizer;
        this.readyTimeout = builder.readyTimeout;
    }

    /** Serves every request with {@code origin}. */
    public static LocalTunnelExtension forHandler(InProcessOrigin origin) {
        return builder().handler(origin).build();
    }

    /** Serves every request with a JDK {@link HttpHandler}, through a {@link JdkHttpHandlerOrigin}. */
    public static LocalTunnelExtension forHttpHandler(HttpHandler handler) {
        return builder().httpHandler(handler).build();
    }

    /** A builder, for ingress rules or tunnel settings. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        perClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == LocalEdge.class || type == Tunnel.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalEdge.class ? edge() : tunnel();
    }

    /** The running edge. */
    public LocalEdge edge() {
        if (edge == null) {
            throw new IllegalStateException("edge(): the extension has not started; register it with "
                    + "@RegisterExtension");
        }
        return edge;
    }

    /** The running tunnel. */
    public Tunnel tunnel() {
        if (tunnel == null) {
            throw new IllegalStateException("tunnel(): the extension has not started; register it with "
                    + "@RegisterExtension");
        }
        return tunnel;
    }

    /** {@code http://host:port} of the edge's eyeball port: requests there go through the tunnel. */
    public String eyeballUrl() {
        return edge().eyeballUrl();
    }

    /** The eyeball URI of {@code path} (starting with {@code /}). */
    public URI eyeballUri(String path) {
        return edge().eyeballUri(path);
    }

    private void start() throws Exception {
        edge = LocalEdge.builder().build().start();
        try {
            TunnelBuilder builder = Tunnel.builder()
                    .credentials(edge.credentials())
                    .edge(edge.connectorAddresses().toArray(new InetSocketAddress[0]))
                    .caCertificate(edge.caFile())
                    .haConnections(1)
                    .gracePeriod(Duration.ofSeconds(1));
            if (httpHandler != null) {
                ownOrigin = JdkHttpHandlerOrigin.of(httpHandler);
                builder.handler(ownOrigin);
            } else if (handler != null) {
                builder.handler(handler);
            } else {
                builder.ingress(ingress);
            }
            customizer.accept(builder);
            tunnel = builder.start();
            tunnel.awaitReady(readyTimeout);
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    private void stop() {
        try {
            if (tunnel != null) {
                tunnel.closeNow();
            }
        } finally {
            tunnel = null;
            try {
                if (edge != null) {
                    edge.close();
                }
            } finally {
                edge = null;
                if (ownOrigin != null) {
                    ownOrigin.close();
                    ownOrigin = null;
                }
            }
        }
    }

    /** Configures a {@link LocalTunnelExtension}: one of a handler or ingress rules is required. */
    public static final class Builder {

        private InProcessOrigin handler;
        private Ingress ingress;
        private HttpHandler httpHandler;
        private Consumer<TunnelBuilder> customizer = builder -> { };
        private Duration readyTimeout = Duration.ofSeconds(30);

        private Builder() {}

        /** Serves every request with {@code origin}. */
        public Builder handler(InProcessOrigin origin) {
            this.handler = requireNonNull(origin, "origin");
            this.httpHandler = null;
            this.ingress = null;
            return this;
        }

        /** Serves every request with a JDK {@link HttpHandler}, through a {@link JdkHttpHandlerOrigin} of its own. */
        public Builder httpHandler(HttpHandler handler) {
            this.httpHandler = requireNonNull(handler, "handler");
            this.handler = null;
            this.ingress = null;
            return this;
        }

        /** Routes by these rules (in-process ones need {@link #configure} to register their origins). */
        public Builder ingress(Ingress ingress) {
            this.ingress = requireNonNull(ingress, "ingress");
            this.handler = null;
            this.httpHandler = null;
            return this;
        }

        /**
         * Adjusts the tunnel before it starts (it already has the edge's credentials, address and CA, one HA
         * connection and a 1 s grace period).
         */
        public Builder configure(Consumer<TunnelBuilder> customizer) {
            this.customizer = requireNonNull(customizer, "customizer");
            return this;
        }

        /** How long starting waits for a serving connection. Default 30 s. */
        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = requireNonNull(timeout, "timeout");
            return this;
        }

        public LocalTunnelExtension build() {
            if (handler == null && httpHandler == null && ingress == null) {
                throw new IllegalStateException("handler(...), httpHandler(...) or ingress(...) must be set before "
                        + "build()");
            }
            return new LocalTunnelExtension(this);
        }
    }
}
