package dev.jflared.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.Tunnel;
import dev.jflared.TunnelConnection;
import dev.jflared.embed.JdkHttpHandlerOrigin;
import dev.jflared.testkit.ConnectionInfo;
import dev.jflared.testkit.LocalEdge;
import dev.jflared.transport.Protocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class QuietConnectionTest {

    /** The QUIC idle timeout in force: the connector's 5 s (cloudflared's value; LocalEdge advertises 30 s). */
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(5);
    private static final int IDLE_TIMEOUTS = 3;
    /** Three idle timeouts and a second more. */
    private static final Duration QUIET = IDLE_TIMEOUT.multipliedBy(IDLE_TIMEOUTS).plusSeconds(1);

    /**
     * Makes sure that a QUIC connection with no streams outlives several idle timeouts on the connector's own
     * keep-alive: LocalEdge sends nothing on a quiet connection, and counts the pings on the control stream.
     */
    @Test
    void aConnectionWithNoTrafficStaysRegisteredOnItsOwnKeepAlive() throws Exception {
        try (LocalEdge edge = LocalEdge.builder().build().start();
                Tunnel tunnel = TestOrigins.tunnelFor(edge).protocol(Protocol.QUIC)
                        .handler(TestOrigins.text("still here")).start()) {
            tunnel.awaitReady(Duration.ofSeconds(60));
            UUID connection = tunnel.connections().get(0).connectionId();

            boolean disconnected = edge.takeEvent("disconnect", QUIET).isPresent();

            assertThat(disconnected).isFalse();
            assertThat(edge.registrations()).hasSize(1);
            assertThat(edge.activeConnections()).extracting(ConnectionInfo::connectionUuid)
                    .containsExactly(connection);
            assertThat(tunnel.connections()).extracting(TunnelConnection::connectionId).containsExactly(connection);
            assertThat(tunnel.readyConnections()).isOne();
            // The registration's bootstrap, then the keep-alive's: at least one per idle timeout kept it alive.
            assertThat(edge.controlStreamBootstraps()).isGreaterThan(IDLE_TIMEOUTS);
            assertThat(Eyeball.get(edge.eyeballUri("/")).body()).isEqualTo("still here");
        }
    }

    /**
     * A request whose origin stays silent for longer than the idle timeout after the shutdown began still completes
     * within the grace period: the keep-alive goes on through the drain, as quic-go's PINGs do for cloudflared.
     */
    @Test
    void aQuietRequestInFlightAtShutdownCompletesWithinTheGracePeriod() throws Exception {
        CountDownLatch reached = new CountDownLatch(1);
        try (LocalEdge edge = LocalEdge.builder().build().start();
                JdkHttpHandlerOrigin origin = JdkHttpHandlerOrigin.of(exchange -> {
                    reached.countDown();
                    sleep(IDLE_TIMEOUT.plusSeconds(2));
                    TestOrigins.jdkText("answered after a quiet while").handle(exchange);
                });
                Tunnel tunnel = TestOrigins.tunnelFor(edge).protocol(Protocol.QUIC)
                        .gracePeriod(Duration.ofSeconds(30)).handler(origin).start()) {
            tunnel.awaitReady(Duration.ofSeconds(60));
            CompletableFuture<Eyeball.Response> response = CompletableFuture.supplyAsync(() -> {
                try {
                    return Eyeball.get(edge.eyeballUri("/quiet"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertThat(reached.await(30, TimeUnit.SECONDS)).isTrue();

            CompletableFuture<Void> stopped = tunnel.shutdown();

            assertThat(response.get(60, TimeUnit.SECONDS).body()).isEqualTo("answered after a quiet while");
            stopped.get(60, TimeUnit.SECONDS);
            assertThat(edge.events()).filteredOn(event -> event.type().equals("unregister")).hasSize(1);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
