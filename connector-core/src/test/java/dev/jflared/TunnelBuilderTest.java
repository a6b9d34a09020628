package dev.jflared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jflared.config.TunnelCredentials;
import dev.jflared.ingress.Ingress;
import dev.jflared.ingress.OriginService;
import dev.jflared.transport.EdgeConnectRequest;
import dev.jflared.transport.EdgeConnection;
import dev.jflared.transport.EdgeTransport;
import dev.jflared.transport.Protocol;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What {@link TunnelBuilder} refuses before anything starts; running tunnels are tested in integration-tests. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TunnelBuilderTest {

    private static final TunnelCredentials CREDENTIALS = new TunnelCredentials("account", new byte[32],
            UUID.randomUUID(), Optional.empty());

    /** A transport the refused starts below never reach. */
    private static final EdgeTransport NEVER_DIALLED = new EdgeTransport() {
        @Override
        public Protocol protocol() {
            return Protocol.QUIC;
        }

        @Override
        public CompletableFuture<EdgeConnection> connect(EdgeConnectRequest request) {
            return CompletableFuture.failedFuture(new AssertionError("a refused start must not dial"));
        }
    };

    @Test
    void startWithoutCredentialsNamesTheSetters() {
        assertThatThrownBy(() -> Tunnel.builder().handler((request, responder) -> { }).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("credentialsFile(...), token(...) or credentials(...)");
    }

    @Test
    void startWithoutAnythingToServeNamesTheSetters() {
        assertThatThrownBy(() -> Tunnel.builder().credentials(CREDENTIALS).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("handler(...), ingress(...) or config(...)");
    }

    @Test
    void ingressNamingAnUnregisteredOriginIsRefused() {
        assertThatThrownBy(() -> Tunnel.builder().credentials(CREDENTIALS)
                .edge(new InetSocketAddress("127.0.0.1", 7844))
                .ingress(Tunnel.singleOrigin("missing")).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"missing\"");
    }

    @Test
    void ingressReplacesTheHandlerAndItsOrigin() {
        TunnelBuilder builder = Tunnel.builder().handler((request, responder) -> { });

        builder.ingress(Tunnel.singleOrigin("other"));

        assertThat(builder.origins).doesNotContainKey(TunnelBuilder.HANDLER_NAME);
        assertThat(builder.ingress).isEqualTo(Tunnel.singleOrigin("other"));
    }

    @Test
    void inProcessRuleNamesItsOrigin() {
        Ingress ingress = new Ingress(List.of(Tunnel.inProcessRule(0, "app.example.com", "app"),
                Tunnel.inProcessRule(1, "", "fallback")));

        assertThat(ingress.match("app.example.com", "/").service())
                .isEqualTo(new OriginService.InProcess("in-process:app", "app"));
        assertThat(ingress.match("other.example.com", "/").service())
                .isEqualTo(new OriginService.InProcess("in-process:fallback", "fallback"));
    }

    @Test
    void settersRejectOutOfRangeValues() {
        TunnelBuilder builder = Tunnel.builder();

        assertThatThrownBy(() -> builder.haConnections(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.retries(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.gracePeriod(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.edge(InetSocketAddress.createUnresolved("edge", 7844)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.maxEdgeAddrRetries(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void edgeThatIsNotHostAndPortFailsTheStartQuotingIt() {
        assertThatThrownBy(() -> Tunnel.builder().credentials(CREDENTIALS)
                .handler((request, responder) -> { })
                .transports(NEVER_DIALLED)
                .edge("edge.example.com")
                .start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("edge.example.com");
    }

    @Test
    void badRegionFailsTheStartNamingTheFlag() {
        assertThatThrownBy(() -> Tunnel.builder().credentials(CREDENTIALS)
                .handler((request, responder) -> { })
                .transports(NEVER_DIALLED)
                .region("US EAST")
                .start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--region 'US EAST'");
    }
}
