package dev.jflared.http2;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jflared.config.TunnelCredentials;
import dev.jflared.edge.EdgeAddress;
import dev.jflared.ingress.Ingress;
import dev.jflared.proxy.OriginProxy;
import dev.jflared.rpc.schema.UpdateConfigurationResponse;
import dev.jflared.testkit.TestCertificateAuthority;
import dev.jflared.transport.ConnectionServices;
import dev.jflared.transport.EdgeConnectRequest;
import dev.jflared.transport.RegistrationInfo;
import dev.jflared.transport.RegistrationRejectedException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Connection attempts that must fail, each with the cause a supervisor can act on. */
@Timeout(value = 30, unit = SECONDS)
class Http2EdgeConnectFailureTest {

    private static EventLoopGroup group;
    private static TestCertificateAuthority ca;
    private static OriginProxy proxy;

    @BeforeAll
    static void start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ca = TestCertificateAuthority.create();
        proxy = OriginProxy.builder().ingress(() -> new Ingress(List.of())).build();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        group.shutdownGracefully(0, 0, SECONDS).syncUninterruptibly();
    }

    @Test
    void aRefusedRegistrationFailsWithTheEdgesCause() throws Exception {
        try (TestHttp2Edge edge = TestHttp2Edge.start(group, ca, TestHttp2Edge.Behaviour.REJECT)) {

            Throwable failure = failureOf(edge.address(), Duration.ofSeconds(10));

            assertThat(failure).isInstanceOf(RegistrationRejectedException.class)
                    .hasMessage(TestHttp2Edge.REJECTION.cause());
            assertThat(((RegistrationRejectedException) failure).shouldRetry()).isFalse();
            assertThat(((RegistrationRejectedException) failure).retryAfter()).isEqualTo(Duration.ofSeconds(3));
        }
    }

    @Test
    void aCertificateForAnotherNameIsRefused() throws Exception {
        try (TestHttp2Edge edge = TestHttp2Edge.start(group, ca, TestHttp2Edge.Behaviour.WRONG_NAME)) {

            Throwable failure = failureOf(edge.address(), Duration.ofSeconds(10));

            assertThat(failure).isInstanceOf(SSLException.class);
        }
    }

    @Test
    void aCertificateOfAnotherAuthorityIsRefused() throws Exception {
        TestCertificateAuthority other = TestCertificateAuthority.create("another CA");
        try (TestHttp2Edge edge = TestHttp2Edge.start(group, other)) {

            Throwable failure = failureOf(edge.address(), Duration.ofSeconds(10));

            assertThat(failure).isInstanceOf(SSLException.class);
        }
    }

    @Test
    void anEdgeThatNeverOpensTheControlStreamTimesOut() throws Exception {
        try (TestHttp2Edge edge = TestHttp2Edge.start(group, ca, TestHttp2Edge.Behaviour.SILENT)) {

            Throwable failure = failureOf(edge.address(), Duration.ofMillis(500));

            assertThat(failure).isInstanceOf(TimeoutException.class).hasMessageContaining("PT0.5S");
            assertThat(edge.session().get(5, SECONDS).channel.closeFuture().await(5, SECONDS)).isTrue();
        }
    }

    @Test
    void nothingListeningFailsTheConnect() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        Throwable failure = failureOf(EdgeAddress.of(InetAddress.getLoopbackAddress(), port), Duration.ofSeconds(5));

        assertThat(failure).isInstanceOf(ConnectException.class);
    }

    private static Throwable failureOf(EdgeAddress address, Duration timeout) {
        TunnelCredentials credentials = new TunnelCredentials("0123456789abcdef0123456789abcdef", new byte[32],
                UUID.randomUUID(), Optional.empty());
        RegistrationInfo registration = new RegistrationInfo(credentials, UUID.randomUUID(),
                RegistrationInfo.DEFAULT_FEATURES, "test", "linux_amd64", false, 0);
        EdgeConnectRequest request = new EdgeConnectRequest(0, address, ca.trust(), registration, new NoServices(),
                group, timeout);
        try {
            new Http2EdgeTransport().connect(request).get(20, SECONDS).close();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the connection was established");
    }

    private static final class NoServices implements ConnectionServices {
        @Override
        public OriginProxy proxy() {
            return proxy;
        }

        @Override
        public CompletionStage<UpdateConfigurationResponse> updateConfiguration(int version, String configJson) {
            throw new UnsupportedOperationException("not in these tests");
        }

        @Override
        public Optional<String> localConfigurationJson() {
            return Optional.empty();
        }
    }
}
