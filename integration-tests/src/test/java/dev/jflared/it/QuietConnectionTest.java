package dev.jflared.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.Tunnel;
import dev.jflared.testkit.LocalEdge;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class QuietConnectionTest {

    /** Longer than the connector's 5 s QUIC idle timeout (cloudflared's value), which neither end can ping away. */
    private static final Duration QUIET = Duration.ofSeconds(8);

    /** Makes sure that LocalEdge keeps a connection with no streams alive past the idle timeout. */
    @Test
    void aConnectionWithNoTrafficOutlivesTheIdleTimeout() throws Exception {
        try (LocalEdge edge = LocalEdge.builder().build().start();
                Tunnel tunnel = TestOrigins.tunnelFor(edge).handler(TestOrigins.text("still here")).start()) {
            tunnel.awaitReady(Duration.ofSeconds(60));

            boolean disconnected = edge.takeEvent("disconnect", QUIET).isPresent();

            assertThat(disconnected).isFalse();
            assertThat(edge.registrations()).hasSize(1);
            assertThat(Eyeball.get(edge.eyeballUri("/")).body()).isEqualTo("still here");
        }
    }
}
