package dev.jflared.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.Tunnel;
import dev.jflared.testkit.EdgeEvent;
import dev.jflared.testkit.LocalEdge;
import dev.jflared.testkit.Registration;
import dev.jflared.transport.Protocol;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Protocol {@code auto}: QUIC first, HTTP/2 when QUIC cannot connect (cloudflared {@code connection/protocol.go},
 * {@code supervisor/}).
 *
 * <h2>Supervisor settings</h2>
 * The edge binds no UDP port, so every QUIC attempt fails as a connectivity error (the handshake gets no answer
 * until the registration timeout, here 2 s). The supervisor falls back once a connection has failed more than
 * {@code maxEdgeAddrRetries} times in a row that way, here 1 (cloudflared's default is 8). {@code retries(1)} keeps
 * each wait between attempts at most 2 s, so the switch comes after about 2 x (2 s + at most 2 s); the test allows
 * 120 s for it.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ProtocolFallbackTest {

    private static final Duration FALLBACK = Duration.ofSeconds(120);

    @Test
    void autoFallsBackToHttp2WhenTheEdgeRefusesQuic() throws Exception {
        try (LocalEdge edge = LocalEdge.builder().protocols(Protocol.HTTP2).build().start();
                Tunnel tunnel = TestOrigins.tunnelFor(edge)
                        .handler(TestOrigins.text("served after fallback"))
                        .retries(1)
                        .maxEdgeAddrRetries(1)
                        .registrationTimeout(Duration.ofSeconds(2))
                        .start()) {

            tunnel.awaitReady(FALLBACK);
            Optional<Registration> registration = edge.takeRegistration(Duration.ofSeconds(30));
            Eyeball.Response response = Eyeball.get(edge.eyeballUri("/after-fallback"));

            assertThat(registration).isPresent();
            assertThat(registration.get().protocol()).isEqualTo(Protocol.HTTP2);
            assertThat(registration.get().accepted()).isTrue();
            assertThat(tunnel.connections()).singleElement()
                    .satisfies(connection -> assertThat(connection.protocol()).isEqualTo(Protocol.HTTP2));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("served after fallback");
            assertThat(edge.events()).filteredOn(event -> event.type().equals("listening")).singleElement()
                    .satisfies(event -> {
                        assertThat(event.fields().get("quic").asBoolean()).isFalse();
                        assertThat(event.fields().get("http2").asBoolean()).isTrue();
                    });
        }
    }

    @Test
    void autoStaysOnQuicWhenTheEdgeAcceptsBoth() throws Exception {
        try (LocalEdge edge = LocalEdge.builder().build().start();
                Tunnel tunnel = TestOrigins.tunnelFor(edge).handler(TestOrigins.text("quic")).start()) {

            tunnel.awaitReady(Duration.ofSeconds(60));
            Optional<EdgeEvent> registered = edge.takeEvent("register", Duration.ofSeconds(30));

            assertThat(registered).isPresent();
            assertThat(registered.get().fields().get("protocol").asText()).isEqualTo("quic");
            assertThat(tunnel.connections().get(0).protocol()).isEqualTo(Protocol.QUIC);
        }
    }
}
