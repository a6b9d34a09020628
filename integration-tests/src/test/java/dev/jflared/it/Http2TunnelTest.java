package dev.jflared.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.Tunnel;
import dev.jflared.TunnelConnection;
import dev.jflared.testkit.ConfigPushResult;
import dev.jflared.testkit.EdgeEvent;
import dev.jflared.testkit.LocalEdge;
import dev.jflared.testkit.Registration;
import dev.jflared.transport.Protocol;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real connector over HTTP/2 ({@code Tunnel} with protocol http2) against {@link LocalEdge}. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class Http2TunnelTest {

    private static final Duration READY = Duration.ofSeconds(60);
    private static final Duration EVENT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Http2TestOrigins origins;
    private LocalEdge edge;
    private Tunnel tunnel;

    @BeforeEach
    void start() throws Exception {
        origins = new Http2TestOrigins();
        edge = LocalEdge.builder().location("H2LOC").build().start();
        Path config = Files.writeString(dir.resolve("config.yml"), """
                ingress:
                  - hostname: grpc.test
                    service: %s
                    originRequest:
                      http2Origin: true
                  - hostname: ws.test
                    service: %s
                  - service: %s
                """.formatted(origins.grpcUrl(), origins.websocketUrl(), origins.httpUrl()));
        tunnel = TestOrigins.tunnelFor(edge).protocol(Protocol.HTTP2).config(config).start();
        tunnel.awaitReady(READY);
    }

    @AfterEach
    void stop() {
        if (tunnel != null) {
            tunnel.close();
        }
        if (edge != null) {
            edge.close();
        }
        if (origins != null) {
            origins.close();
        }
    }

    @Test
    void connectorRegistersOverHttp2() throws Exception {
        Optional<Registration> registration = edge.takeRegistration(EVENT);
        Optional<EdgeEvent> registered = edge.takeEvent("register", EVENT);

        assertThat(registration).isPresent();
        assertThat(registration.get().protocol()).isEqualTo(Protocol.HTTP2);
        assertThat(registration.get().accepted()).isTrue();
        assertThat(registered).isPresent();
        assertThat(registered.get().fields().get("protocol").asText()).isEqualTo("http2");
        List<TunnelConnection> connections = tunnel.connections();
        assertThat(connections).hasSize(1);
        assertThat(connections.get(0).protocol()).isEqualTo(Protocol.HTTP2);
        assertThat(connections.get(0).location()).isEqualTo("H2LOC");
        assertThat(edge.activeConnections().get(0).protocol()).isEqualTo(Protocol.HTTP2);
    }

    @Test
    void getCarriesTheOriginsStatusHeadersAndBody() throws Exception {
        RawEyeball.Response response = RawEyeball.send(eyeball(), "GET", "any.test", "/hello", null);

        assertThat(response.status()).as(response::text).isEqualTo(200);
        assertThat(response.text()).isEqualTo("hello over h2");
        assertThat(response.headers()).containsEntry("x-origin", "jdk")
                .containsEntry("content-type", "text/plain; charset=utf-8");
    }

    @Test
    void postBodyIsEchoed() throws Exception {
        byte[] body = "posted through an HTTP/2 tunnel".getBytes(StandardCharsets.UTF_8);

        RawEyeball.Response response = RawEyeball.send(eyeball(), "POST", "any.test", "/echo", body);

        assertThat(response.status()).as(response::text).isEqualTo(200);
        assertThat(response.body()).isEqualTo(body);
        assertThat(response.headers()).containsEntry("x-echoed", String.valueOf(body.length));
    }

    @Test
    void chunkedPostBodyWithoutLengthIsEchoed() throws Exception {
        RawEyeball.Response response;
        try (RawEyeball eyeball = RawEyeball.connect(eyeball())) {
            eyeball.writeHead("POST /echo HTTP/1.1\r\nHost: any.test\r\nConnection: close\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n chunk\r\n0\r\n\r\n");
            response = eyeball.readResponse(true);
        }

        assertThat(response.status()).as(response::text).isEqualTo(200);
        assertThat(response.text()).isEqualTo("hello chunk");
    }

    @Test
    void tenMebibyteDownloadArrivesIntact() throws Exception {
        RawEyeball.Response response = RawEyeball.send(eyeball(), "GET", "any.test", "/download", null);

        assertThat(response.status()).as(response::text).isEqualTo(200);
        assertThat(response.body()).hasSize(Http2TestOrigins.LARGE);
        assertThat(RawEyeball.sha256(response.body())).isEqualTo(RawEyeball.sha256(Http2TestOrigins.largeBody()));
    }

    @Test
    void tenMebibyteUploadArrivesIntact() throws Exception {
        byte[] body = Http2TestOrigins.largeBody();

        RawEyeball.Response response = RawEyeball.send(eyeball(), "POST", "any.test", "/upload", body);

        assertThat(response.status()).as(response::text).isEqualTo(200);
        assertThat(response.text()).isEqualTo(body.length + " " + RawEyeball.sha256(body));
    }

    @Test
    void websocketEchoesThroughTheTunnel() throws Exception {
        try (RawEyeball ws = RawEyeball.connect(eyeball())) {
            ws.writeHead("GET /ws HTTP/1.1\r\nHost: ws.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            RawEyeball.Response upgrade = ws.readResponse(false);

            ws.write(maskedTextFrame("ping over h2"));
            byte[] head = ws.readExactly(2);
            byte[] payload = ws.readExactly(head[1] & 0x7f);

            assertThat(upgrade.status()).isEqualTo(101);
            assertThat(upgrade.headers()).containsEntry("sec-websocket-accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
            assertThat(head[0] & 0xff).isEqualTo(0x81);
            assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo("echo: ping over h2");
        }
    }

    @Test
    void grpcTrailersFromAnHttp2OriginReachTheEdge() throws Exception {
        byte[] message = {0, 0, 0, 0, 3, 'a', 'b', 'c'};

        RawEyeball.Response response;
        try (RawEyeball eyeball = RawEyeball.connect(eyeball())) {
            eyeball.writeHead("POST /echo.Echo/Say HTTP/1.1\r\nHost: grpc.test\r\nConnection: close\r\n"
                    + "Content-Type: application/grpc\r\nTE: trailers\r\nContent-Length: " + message.length
                    + "\r\n\r\n");
            eyeball.write(message);
            response = eyeball.readResponse(true);
        }
        Optional<EdgeEvent> trailers = edge.takeEvent("trailers", EVENT);

        assertThat(response.status()).as(response::text).isEqualTo(200);
        assertThat(response.headers()).containsEntry("content-type", "application/grpc");
        assertThat(response.body()).isEqualTo(message);
        assertThat(response.trailers()).containsEntry("grpc-status", "0").containsEntry("grpc-message", "OK");
        assertThat(trailers).isPresent();
        assertThat(trailers.get().fields().get("host").asText()).isEqualTo("grpc.test");
        assertThat(trailers.get().fields().get("trailers").get("grpc-status").asText()).isEqualTo("0");
    }

    @Test
    void configPushChangesRoutingAndABadOneIsRefusedWithItsReason() throws Exception {
        List<ConfigPushResult> applied = edge.pushConfig(5,
                "{\"ingress\":[{\"hostname\":\"any.test\",\"service\":\"http_status:418\"},"
                        + "{\"service\":\"" + origins.httpUrl() + "\"}]}").get(30, TimeUnit.SECONDS);
        RawEyeball.Response teapot = RawEyeball.send(eyeball(), "GET", "any.test", "/hello", null);
        RawEyeball.Response other = RawEyeball.send(eyeball(), "GET", "other.test", "/hello", null);

        List<ConfigPushResult> refused = edge.pushConfig(6,
                "{\"ingress\":[{\"hostname\":\"only.test\",\"service\":\"http_status:404\"}]}")
                .get(30, TimeUnit.SECONDS);
        RawEyeball.Response stillTeapot = RawEyeball.send(eyeball(), "GET", "any.test", "/hello", null);

        assertThat(applied).singleElement().satisfies(result -> {
            assertThat(result.protocol()).isEqualTo(Protocol.HTTP2);
            assertThat(result.ok()).as(result.err()).isTrue();
            assertThat(result.lastAppliedVersion()).isEqualTo(5);
        });
        assertThat(teapot.status()).isEqualTo(418);
        assertThat(other.text()).isEqualTo("hello over h2");
        assertThat(refused).singleElement().satisfies(result -> {
            assertThat(result.protocol()).isEqualTo(Protocol.HTTP2);
            assertThat(result.ok()).isFalse();
            assertThat(result.lastAppliedVersion()).isEqualTo(5);
            assertThat(result.err()).contains("The last ingress rule must match all URLs");
        });
        assertThat(stillTeapot.status()).isEqualTo(418);
    }

    @Test
    void droppedConnectionComesBackOverHttp2() throws Exception {
        assertThat(edge.takeRegistration(EVENT)).isPresent();

        edge.dropConnection(0);
        Optional<EdgeEvent> disconnect = edge.takeEvent("disconnect", EVENT);
        Optional<Registration> again = edge.takeRegistration(READY);
        edge.awaitConnections(1, READY);
        RawEyeball.Response response = RawEyeball.send(eyeball(), "GET", "any.test", "/hello", null);

        assertThat(disconnect).isPresent();
        assertThat(disconnect.get().fields().get("protocol").asText()).isEqualTo("http2");
        assertThat(again).isPresent();
        assertThat(again.get().protocol()).isEqualTo(Protocol.HTTP2);
        assertThat(again.get().accepted()).isTrue();
        assertThat(response.text()).isEqualTo("hello over h2");
    }

    @Test
    void closingTheTunnelUnregistersOverHttp2() throws Exception {
        tunnel.close();

        Optional<EdgeEvent> unregister = edge.takeEvent("unregister", EVENT);

        assertThat(unregister).isPresent();
        assertThat(unregister.get().fields().get("protocol").asText()).isEqualTo("http2");
        assertThat(edge.unregistrations()).singleElement()
                .satisfies(info -> assertThat(info.protocol()).isEqualTo(Protocol.HTTP2));
    }

    private InetSocketAddress eyeball() {
        return edge.eyeballAddress();
    }

    private static byte[] maskedTextFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {1, 2, 3, 4};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }
}
