package dev.jflared.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.Tunnel;
import dev.jflared.testkit.ConfigPushResult;
import dev.jflared.testkit.LocalEdge;
import dev.jflared.testkit.Registration;
import dev.jflared.transport.Protocol;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7 end to end: a {@link LocalEdge}, the real connector ({@link Tunnel}, four HA connections over the
 * {@linkplain #protocol() protocol} under test, QUIC here) and real origins on loopback (a JDK {@code HttpServer} and
 * a Netty websocket server), eyeball requests over HTTP/1.1. {@link TunnelEndToEndOverHttp2Test} runs the same suite
 * over HTTP/2.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TunnelEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int HA = 4;
    /** The size of the streamed uploads: generated and checksummed on the fly, never stored. */
    private static final long UPLOAD_BYTES = 100L * 1024 * 1024;

    @TempDir
    Path dir;

    private LoopbackOrigin origin;
    private WebSocketEchoOrigin websocketOrigin;
    private LocalEdge edge;
    private Tunnel tunnel;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        origin = new LoopbackOrigin();
        websocketOrigin = new WebSocketEchoOrigin();
        edge = haEdge().build().start();
        Path config = Files.writeString(dir.resolve("config.yml"), "ingress:\n"
                + "  - path: ^/ws\n"
                + "    service: " + websocketOrigin.url() + "\n"
                + "  - service: " + origin.url() + "\n");
        tunnel = TestOrigins.tunnelFor(edge).protocol(protocol()).haConnections(HA).config(config).start();
        tunnel.awaitReady(WAIT);
        edge.awaitConnections(HA, WAIT);
    }

    /** The transport every connection of the suite uses. */
    protected Protocol protocol() {
        return Protocol.QUIC;
    }

    /** A LocalEdge with one address per HA connection: the supervisor gives each connection its own. */
    static LocalEdge.Builder haEdge() {
        return LocalEdge.builder().listen(haEdgeAddresses(HA));
    }

    /** {@code count} loopback addresses on port 0, for {@link LocalEdge.Builder#listen}. */
    static InetSocketAddress[] haEdgeAddresses(int count) {
        InetSocketAddress[] listen = new InetSocketAddress[count];
        for (int i = 0; i < count; i++) {
            listen[i] = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        }
        return listen;
    }

    @AfterEach
    void stop() {
        if (tunnel != null) {
            tunnel.close();
        }
        if (edge != null) {
            edge.close();
        }
        websocketOrigin.close();
        origin.close();
    }

    @Test
    void fourConnectionsRegisterWithCloudflaredsFeatures() {
        // start() waited for the connections: their registrations are recorded by then.
        List<Registration> registrations = edge.registrations();

        assertThat(registrations).extracting(Registration::connIndex).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(registrations).allSatisfy(registration -> {
            assertThat(registration.protocol()).isEqualTo(protocol());
            assertThat(registration.numPreviousAttempts()).isZero();
            assertThat(registration.connectionUuid()).isPresent();
            assertThat(registration.clientId()).isEqualTo(tunnel.connectorId());
            assertThat(registration.features()).contains("allow_remote_config", "serialized_headers",
                    "support_datagram_v2", "support_quic_eof", "management_logs");
        });
    }

    @Test
    void getAndHeadReachTheOrigin() throws Exception {
        HttpResponse<String> get = client.send(request("/hello").build(), BodyHandlers.ofString());
        HttpResponse<String> head = client.send(request("/hello").method("HEAD", BodyPublishers.noBody()).build(),
                BodyHandlers.ofString());

        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("hello");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("content-length")).contains("5");
        assertThat(head.body()).isEmpty();
    }

    @Test
    void sizedHundredMebibyteUploadArrivesIntact() throws Exception {
        ChecksummedBody body = new ChecksummedBody(UPLOAD_BYTES);

        HttpResponse<String> response = client.send(request("/upload")
                .POST(BodyPublishers.fromPublisher(body.publisher(), UPLOAD_BYTES)).build(), BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(UPLOAD_BYTES + " " + body.sha256());
    }

    @Test
    void chunkedHundredMebibyteUploadArrivesIntact() throws Exception {
        ChecksummedBody body = new ChecksummedBody(UPLOAD_BYTES);

        HttpResponse<String> response = client.send(request("/upload").POST(body.publisher()).build(),
                BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(UPLOAD_BYTES + " " + body.sha256());
    }

    @Test
    void twentyMebibyteDownloadArrivesIntact() throws Exception {
        long size = 20L * 1024 * 1024;
        MessageDigest expected = LoopbackOrigin.sha256();
        new DigestInputStream(new PatternBytes(size), expected).transferTo(OutputStream.nullOutputStream());

        HttpResponse<InputStream> response = client.send(request("/download?bytes=" + size).build(),
                BodyHandlers.ofInputStream());
        MessageDigest received = LoopbackOrigin.sha256();
        long count;
        try (InputStream in = new DigestInputStream(response.body(), received)) {
            count = in.transferTo(OutputStream.nullOutputStream());
        }

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(count).isEqualTo(size);
        assertThat(received.digest()).isEqualTo(expected.digest());
    }

    @Test
    void serverSentEventsArriveOneByOne() throws Exception {
        HttpResponse<Stream<String>> response = client.send(request("/sse").build(), BodyHandlers.ofLines());
        List<String> seen = new ArrayList<>();
        try (Stream<String> lines = response.body()) {
            Iterator<String> it = lines.iterator();
            // The origin holds the second event until the first one has been seen here.
            seen.add(it.next());
            origin.releaseSecondEvent();
            it.forEachRemaining(seen::add);
        }

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).contains("text/event-stream");
        assertThat(seen).containsExactly("data: one", "", "data: two", "");
    }

    @Test
    void websocketEchoes() throws Exception {
        CompletableFuture<String> echoed = new CompletableFuture<>();
        URI uri = URI.create(edge.eyeballUri("/ws").toString().replaceFirst("^http", "ws"));
        WebSocket socket = client.newWebSocketBuilder().connectTimeout(WAIT)
                .buildAsync(uri, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        echoed.complete(data.toString());
                        return null;
                    }

                    // A socket closed or failed before the echo fails the test at once, saying so.
                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        echoed.completeExceptionally(new AssertionError("closed before the echo: " + statusCode));
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        echoed.completeExceptionally(error);
                    }
                }).get(60, TimeUnit.SECONDS);

        socket.sendText("ping", true).get(30, TimeUnit.SECONDS);
        String answer = echoed.get(60, TimeUnit.SECONDS);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(30, TimeUnit.SECONDS);

        assertThat(answer).isEqualTo("echo: ping");
    }

    @Test
    void droppedConnectionLeavesTheOthersServingAndReRegistersAsARetry() throws Exception {
        takeInitialRegistrations();

        edge.dropConnection(1);
        assertThat(edge.takeEvent("disconnect", WAIT)).isPresent();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            statuses.add(client.send(request("/hello").build(), BodyHandlers.ofString()).statusCode());
        }
        Optional<Registration> again = edge.takeRegistration(WAIT);

        assertThat(statuses).containsOnly(200);
        assertThat(again).isPresent();
        assertThat(again.get().connIndex()).isEqualTo(1);
        assertThat(again.get().numPreviousAttempts()).isPositive();
        assertThat(again.get().connectionUuid()).isPresent();
        assertThat(edge.awaitConnections(HA, WAIT)).hasSize(HA);
    }

    @Test
    void pushedConfigChangesRoutingAndABadOneIsRefusedWithItsReason() throws Exception {
        String teapot = "{\"ingress\":[{\"path\":\"^/teapot\",\"service\":\"http_status:418\"},"
                + "{\"service\":\"" + origin.url() + "\"}]}";
        String bad = "{\"ingress\":[{\"service\":\"http_status:404\"},"
                + "{\"hostname\":\"late.example.com\",\"service\":\"" + origin.url() + "\"}]}";

        List<ConfigPushResult> applied = edge.pushConfig(10, teapot).get(60, TimeUnit.SECONDS);
        int teapotStatus = client.send(request("/teapot").build(), BodyHandlers.ofString()).statusCode();
        List<ConfigPushResult> refused = edge.pushConfig(11, bad).get(60, TimeUnit.SECONDS);
        int afterRefusal = client.send(request("/teapot").build(), BodyHandlers.ofString()).statusCode();
        HttpResponse<String> hello = client.send(request("/hello").build(), BodyHandlers.ofString());

        assertThat(applied).hasSize(HA).allSatisfy(result -> {
            assertThat(result.err()).isEmpty();
            assertThat(result.lastAppliedVersion()).isEqualTo(10);
        });
        assertThat(teapotStatus).isEqualTo(418);
        assertThat(refused).hasSize(HA).allSatisfy(result -> {
            assertThat(result.err()).isNotEmpty();
            assertThat(result.lastAppliedVersion()).isEqualTo(10);
        });
        assertThat(afterRefusal).isEqualTo(418);
        assertThat(hello.body()).isEqualTo("hello");
    }

    /** Takes the first {@link #HA} registrations, so that {@code takeRegistration} sees only later ones. */
    private void takeInitialRegistrations() throws InterruptedException {
        for (int i = 0; i < HA; i++) {
            assertThat(edge.takeRegistration(Duration.ZERO)).as("registrations: %s", edge.registrations())
                    .isPresent();
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(edge.eyeballUri(path)).timeout(WAIT);
    }

    /** A generated body whose SHA-256 is known once it has been read. */
    static final class ChecksummedBody {
        private final long size;
        private final MessageDigest digest = LoopbackOrigin.sha256();

        ChecksummedBody(long size) {
            this.size = size;
        }

        HttpRequest.BodyPublisher publisher() {
            return BodyPublishers.ofInputStream(this::stream);
        }

        private InputStream stream() {
            return new DigestInputStream(new PatternBytes(size), digest);
        }

        String sha256() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }
}
