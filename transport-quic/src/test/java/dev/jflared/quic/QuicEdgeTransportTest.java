package dev.jflared.quic;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jflared.config.TunnelCredentials;
import dev.jflared.edge.EdgeAddress;
import dev.jflared.ingress.Ingress;
import dev.jflared.ingress.IngressRule;
import dev.jflared.ingress.OriginRequestConfig;
import dev.jflared.ingress.OriginService;
import dev.jflared.proxy.BodyPump;
import dev.jflared.proxy.BodySink;
import dev.jflared.proxy.OriginProxy;
import dev.jflared.proxy.ResponseHead;
import dev.jflared.rpc.RpcTimeoutException;
import dev.jflared.rpc.schema.ConnectRequest;
import dev.jflared.rpc.schema.ConnectionType;
import dev.jflared.rpc.schema.Metadata;
import dev.jflared.rpc.schema.RegisterConnectionParams;
import dev.jflared.rpc.schema.UpdateConfigurationResponse;
import dev.jflared.testkit.IssuedCertificate;
import dev.jflared.testkit.TestCertificateAuthority;
import dev.jflared.transport.EdgeConnectRequest;
import dev.jflared.transport.EdgeConnection;
import dev.jflared.transport.EdgeTransports;
import dev.jflared.transport.Protocol;
import dev.jflared.transport.RegistrationInfo;
import dev.jflared.transport.RegistrationRejectedException;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.quic.QuicChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The QUIC transport end to end over loopback: a {@link LoopbackEdge}, the connector's {@link QuicEdgeTransport},
 * and real origins (a JDK HTTP server, and an in-process websocket echo).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QuicEdgeTransportTest {

    private static final TestCertificateAuthority CA = TestCertificateAuthority.create();
    private static final IssuedCertificate EDGE_CERTIFICATE = CA.issueEdgeCertificate();
    private static final byte[] SECRET = "a tunnel secret of 32 bytes....!".getBytes(UTF_8);
    private static final UUID TUNNEL_ID = UUID.fromString("11111111-2222-3333-4444-555555555555");
    private static final int TEN_MIB = 10 << 20;
    private static final byte[] TEN_MIB_PATTERN = pattern(TEN_MIB);
    private static final int CHUNK = 64 << 10;

    private static EventLoopGroup connectorGroup;
    private static EventLoopGroup edgeGroup;
    private static HttpServer origin;
    private static ExecutorService originThreads;
    private static volatile CountDownLatch holdArrived;
    private static volatile CountDownLatch holdRelease;
    private static volatile CountDownLatch trickleRelease;
    private static volatile CountDownLatch uploadArrived;
    /** How a streaming origin's response ended: the write that failed, or null when it all went out. */
    private static volatile CompletableFuture<IOException> streamingEnded;
    /** How an upload ended at the origin: the read that failed, or null when the whole body came. */
    private static volatile CompletableFuture<IOException> uploadEnded;

    private LoopbackEdge edge;
    private OriginProxy proxy;
    private TestOrigins.RecordingServices services;
    private final List<EdgeConnection> connections = new ArrayList<>();

    @BeforeAll
    static void startGroupsAndOrigin() throws IOException {
        connectorGroup = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        edgeGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        originThreads = Executors.newCachedThreadPool();
        origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        origin.setExecutor(originThreads);
        origin.createContext("/hello", exchange -> send(exchange, 200, "hello from the origin".getBytes(UTF_8)));
        origin.createContext("/echo", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, 0);
            try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
                in.transferTo(out);
            }
        });
        origin.createContext("/download", exchange -> {
            exchange.sendResponseHeaders(200, TEN_MIB);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int sent = 0; sent < TEN_MIB; sent += 1 << 16) {
                    out.write(TEN_MIB_PATTERN, sent, 1 << 16);
                }
            }
        });
        origin.createContext("/hold", exchange -> {
            holdArrived.countDown();
            try {
                holdRelease.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            send(exchange, 200, "held".getBytes(UTF_8));
        });
        origin.createContext("/trickle", exchange -> streamUntilFailure(exchange, true));
        origin.createContext("/endless", exchange -> streamUntilFailure(exchange, false));
        origin.createContext("/upload", QuicEdgeTransportTest::readUpload);
        origin.start();
    }

    @AfterAll
    static void stopAll() {
        origin.stop(0);
        originThreads.shutdownNow();
        connectorGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        edgeGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void startEdge() throws Exception {
        holdArrived = new CountDownLatch(1);
        holdRelease = new CountDownLatch(1);
        trickleRelease = new CountDownLatch(1);
        uploadArrived = new CountDownLatch(1);
        streamingEnded = new CompletableFuture<>();
        uploadEnded = new CompletableFuture<>();
        edge = LoopbackEdge.start(edgeGroup, EDGE_CERTIFICATE, SECRET);
        URI originUrl = URI.create("http://127.0.0.1:" + origin.getAddress().getPort());
        Ingress ingress = new Ingress(List.of(
                new IngressRule(0, "", Optional.of(Pattern.compile("^/ws")), new OriginService.InProcess("ws",
                        "ws-echo"), OriginRequestConfig.DEFAULTS),
                new IngressRule(1, "", Optional.of(Pattern.compile("^/unreachable")), new OriginService.Http(
                        "http://127.0.0.1:1", URI.create("http://127.0.0.1:1")), OriginRequestConfig.DEFAULTS),
                new IngressRule(2, "", Optional.empty(), new OriginService.Http(originUrl.toString(), originUrl),
                        OriginRequestConfig.DEFAULTS)));
        proxy = OriginProxy.builder().ingress(() -> ingress).inProcessOrigin("ws-echo", (request, responder) -> {
            DefaultHttpHeaders headers = new DefaultHttpHeaders();
            headers.add("Upgrade", "websocket").add("Connection", "Upgrade");
            BodySink sink = responder.respond(new ResponseHead(101, headers, ResponseHead.Source.ORIGIN));
            new BodyPump(request.body(), sink, request.eventLoop()).start();
        }).build();
        services = new TestOrigins.RecordingServices(proxy, Optional.of("{\"ingress\":[]}"));
    }

    @AfterEach
    void stopEdge() {
        connections.forEach(EdgeConnection::close);
        for (EdgeConnection connection : connections) {
            connection.closeFuture().toCompletableFuture().handle((v, e) -> null).join();
        }
        edge.close();
        proxy.close();
    }

    @Test
    void transportIsFoundByServiceLoader() {
        assertThat(EdgeTransports.load(getClass().getClassLoader()).require(Protocol.QUIC))
                .isInstanceOf(QuicEdgeTransport.class);
    }

    @Test
    void registersAndReportsTheEdgesDetails() throws Exception {
        EdgeConnection connection = connect(SECRET);

        RegisterConnectionParams registered = edge.registrations.poll(5, TimeUnit.SECONDS);
        assertThat(connection.details().locationName()).isEqualTo(LoopbackEdge.LOCATION);
        assertThat(connection.isServing()).isTrue();
        assertThat(connection.protocol()).isEqualTo(Protocol.QUIC);
        assertThat(registered.tunnelId()).isEqualTo(TUNNEL_ID);
        assertThat(registered.connIndex()).isZero();
        assertThat(registered.options().originLocalIp()).isEqualTo(InetAddress.getLoopbackAddress());
        assertThat(registered.options().client().features()).isEqualTo(RegistrationInfo.DEFAULT_FEATURES);
        assertThat(edge.localConfigurations.poll(5, TimeUnit.SECONDS)).isEqualTo("{\"ingress\":[]}");
    }

    @Test
    void wrongSecretIsRejectedWithTheEdgesCause() {
        CompletableFuture<EdgeConnection> future = new QuicEdgeTransport().connect(request("wrong".getBytes(UTF_8)));

        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(RegistrationRejectedException.class)
                .hasMessageContaining("Unauthorized: loopback edge rejected registration");
        assertThat(((RegistrationRejectedException) future.handle((v, e) -> e).join()).shouldRetry()).isFalse();
    }

    @Test
    void registrationThatGetsNoAnswerTimesOutAndClosesTheConnection() throws Exception {
        edge.silent = true;
        EdgeConnectRequest request = request(SECRET);
        EdgeConnectRequest impatient = new EdgeConnectRequest(request.connIndex(), request.address(),
                request.trust(), request.registration(), request.services(), request.eventLoopGroup(),
                Duration.ofSeconds(1));

        CompletableFuture<EdgeConnection> future = new QuicEdgeTransport().connect(impatient);

        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfAny(TimeoutException.class, RpcTimeoutException.class);
        QuicChannel edgeSide = edge.takeConnection();
        edgeSide.closeFuture().await(10, TimeUnit.SECONDS);
        assertThat(edgeSide.isActive()).isFalse();
    }

    @Test
    void getAndPostReachTheHttpOrigin() throws Exception {
        connect(SECRET);
        QuicChannel edgeSide = edge.takeConnection();

        LoopbackEdge.Answer get = LoopbackEdge.openDataStream(edgeSide, http("GET", "/hello", List.of()),
                new byte[0], true).answer();
        byte[] body = "posted body".getBytes(UTF_8);
        LoopbackEdge.Answer post = LoopbackEdge.openDataStream(edgeSide, http("POST", "/echo",
                List.of(new Metadata("HttpHeader:Content-Length", Integer.toString(body.length)))), body, true)
                .answer();

        assertThat(get.status()).isEqualTo("200");
        assertThat(get.head().error()).isEmpty();
        assertThat(new String(get.body(), UTF_8)).isEqualTo("hello from the origin");
        assertThat(get.head().metadata()).as("names as Go canonicalises them")
                .contains(new Metadata("HttpHeader:Content-Length", "21"));
        assertThat(post.status()).isEqualTo("200");
        assertThat(post.body()).isEqualTo(body);
    }

    @Test
    void unreachableOriginIsAnsweredWithTheErrorAnd502() throws Exception {
        connect(SECRET);
        QuicChannel edgeSide = edge.takeConnection();

        LoopbackEdge.Answer answer = LoopbackEdge.openDataStream(edgeSide, http("GET", "/unreachable", List.of()),
                new byte[0], true).answer();

        assertThat(answer.status()).isEqualTo("502");
        assertThat(answer.head().error()).startsWith("Unable to reach the origin service.");
        assertThat(answer.body()).isEmpty();
    }

    @Test
    void tenMebibytesStreamUpAndDown() throws Exception {
        connect(SECRET);
        QuicChannel edgeSide = edge.takeConnection();
        byte[] upload = TEN_MIB_PATTERN;

        LoopbackEdge.Answer echoed = LoopbackEdge.openDataStream(edgeSide, http("POST", "/echo",
                List.of(new Metadata("HttpHeader:Content-Length", Integer.toString(TEN_MIB)))), upload, true)
                .answer();
        LoopbackEdge.Answer downloaded = LoopbackEdge.openDataStream(edgeSide, http("GET", "/download", List.of()),
                new byte[0], true).answer();

        assertThat(echoed.body().length).isEqualTo(TEN_MIB);
        assertThat(Arrays.mismatch(echoed.body(), upload)).as("first differing byte of the echo").isEqualTo(-1);
        assertThat(downloaded.body().length).as("download of %s", downloaded.head()).isEqualTo(TEN_MIB);
        assertThat(Arrays.mismatch(downloaded.body(), upload)).as("first differing byte of the download")
                .isEqualTo(-1);
    }

    @Test
    void websocketStreamIsAnswered101AndEchoed() throws Exception {
        connect(SECRET);
        QuicChannel edgeSide = edge.takeConnection();
        ConnectRequest request = new ConnectRequest("http://127.0.0.1/ws", ConnectionType.WEBSOCKET, List.of(
                new Metadata("HttpMethod", "GET"), new Metadata("HttpHost", "127.0.0.1"),
                new Metadata("HttpHeader:Sec-Websocket-Version", "13")));

        LoopbackEdge.Answer answer = LoopbackEdge.openDataStream(edgeSide, request,
                "frames both ways".getBytes(UTF_8), true).answer();

        assertThat(answer.status()).isEqualTo("101");
        assertThat(answer.head().metadata()).contains(new Metadata("HttpHeader:Upgrade", "websocket"));
        assertThat(new String(answer.body(), UTF_8)).isEqualTo("frames both ways");
    }

    @Test
    void malformedConnectRequestResetsOnlyItsStream() throws Exception {
        EdgeConnection connection = connect(SECRET);
        QuicChannel edgeSide = edge.takeConnection();
        // A frame that claims 65536 segments: over the ConnectRequest limit, so it fails at once.
        byte[] garbage = {0x0A, 0x36, (byte) 0xCD, 0x12, (byte) 0xA1, 0x3E, '0', '1', (byte) 0xFF, (byte) 0xFF, 0, 0,
            1, 0, 0, 0};

        LoopbackEdge.Exchange broken = LoopbackEdge.openStream(edgeSide, Unpooled.wrappedBuffer(garbage), false);
        LoopbackEdge.Answer fine = LoopbackEdge.openDataStream(edgeSide, http("GET", "/hello", List.of()),
                new byte[0], true).answer();

        assertThatThrownBy(() -> broken.ended().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(fine.status()).isEqualTo("200");
        assertThat(connection.isServing()).isTrue();
    }

    @Test
    void configurationPushReachesTheConnectionServices() throws Exception {
        connect(SECRET);
        QuicChannel edgeSide = edge.takeConnection();

        UpdateConfigurationResponse response = LoopbackEdge.pushConfiguration(edgeSide, 9, "{\"ingress\":[]}");

        assertThat(response.latestAppliedVersion()).isEqualTo(9);
        assertThat(response.err()).isEmpty();
        assertThat(services.pushes.poll(5, TimeUnit.SECONDS)).isEqualTo("9 {\"ingress\":[]}");
    }

    @Test
    void shutdownUnregistersThenWaitsForTheRequestInFlight() throws Exception {
        EdgeConnection connection = connect(SECRET);
        QuicChannel edgeSide = edge.takeConnection();
        LoopbackEdge.Exchange held = LoopbackEdge.openDataStream(edgeSide, http("GET", "/hold", List.of()),
                new byte[0], true);
        assertThat(holdArrived.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> shutdown = connection.shutdown(Duration.ofSeconds(30)).toCompletableFuture();

        assertThat(edge.unregistrations.poll(10, TimeUnit.SECONDS)).isEqualTo("unregisterConnection");
        assertThat(connection.isServing()).isFalse();
        assertThat(connection.activeStreams()).isEqualTo(1);
        assertThat(shutdown).isNotDone();
        assertThat(edgeSide.isActive()).isTrue();
        holdRelease.countDown();
        LoopbackEdge.Answer answer = held.answer();
        shutdown.get(10, TimeUnit.SECONDS);
        assertThat(new String(answer.body(), UTF_8)).isEqualTo("held");
        assertThat(connection.closeFuture().toCompletableFuture()).isCompleted();
        assertThat(connection.activeStreams()).isZero();
        edgeSide.closeFuture().await(10, TimeUnit.SECONDS);
        assertThat(edgeSide.isActive()).isFalse();
    }

    /**
     * Makes sure that a stream the edge reset (RESET_STREAM and STOP_SENDING) while its origin was still working on
     * the answer is freed once the origin answers, though Netty says nothing of the reset ({@link EdgeResetHandler}),
     * and that the connection goes on. The keep-alive keeps the connection up, so no idle timeout frees it.
     */
    @Test
    void streamResetByTheEdgeIsFreedAndTheConnectionGoesOn() throws Exception {
        EdgeConnection connection = connect(SECRET);
        QuicChannel edgeSide = edge.takeConnection();
        LoopbackEdge.Exchange held = LoopbackEdge.openDataStream(edgeSide, http("GET", "/hold", List.of()),
                new byte[0], true);
        assertThat(holdArrived.await(10, TimeUnit.SECONDS)).isTrue();

        held.stream.shutdown(7).sync();
        holdRelease.countDown();

        awaitActiveStreams(connection, 0);
        LoopbackEdge.Answer next = LoopbackEdge.openDataStream(edgeSide, http("GET", "/hello", List.of()),
                new byte[0], true).answer();
        assertThat(next.status()).isEqualTo("200");
        assertThat(connection.isServing()).isTrue();
        assertThat(edgeSide.isActive()).isTrue();
        // Nothing is in flight any more: a shutdown with a long grace period ends at once.
        connection.shutdown(Duration.ofSeconds(60)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /**
     * The edge resets a stream between two chunks of its response: Netty says nothing, and our next write is
     * dropped; the stream is freed then and the origin's connection closed under it.
     */
    @Test
    void streamResetBetweenResponseChunksIsFreedAndClosesTheOriginConnection() throws Exception {
        EdgeConnection connection = connect(SECRET);
        QuicChannel edgeSide = edge.takeConnection();
        LoopbackEdge.Exchange trickle = LoopbackEdge.openDataStream(edgeSide, http("GET", "/trickle", List.of()),
                new byte[0], true);
        assertThat(trickle.awaitReceived(CHUNK)).as("the head and the first chunk reached the edge").isTrue();

        trickle.stream.shutdown(7).sync();
        trickleRelease.countDown();

        assertThat(streamingEnded.get(10, TimeUnit.SECONDS)).as("the origin's write after the reset")
                .isInstanceOf(IOException.class);
        awaitActiveStreams(connection, 0);
        assertThat(connection.isServing()).isTrue();
    }

    /**
     * Streams competing for the connection's send capacity are held up without being taken for streams the edge
     * reset ({@link EdgeResetHandler} confirms before resetting): every download arrives whole.
     */
    @Test
    void concurrentDownloadsSharingTheConnectionAllArriveWhole() throws Exception {
        EdgeConnection connection = connect(SECRET);
        QuicChannel edgeSide = edge.takeConnection();
        List<LoopbackEdge.Exchange> downloads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            downloads.add(LoopbackEdge.openDataStream(edgeSide, http("GET", "/download", List.of()), new byte[0],
                    true));
        }

        for (LoopbackEdge.Exchange download : downloads) {
            LoopbackEdge.Answer answer = download.answer();
            assertThat(answer.status()).isEqualTo("200");
            assertThat(answer.body()).isEqualTo(TEN_MIB_PATTERN);
        }
        awaitActiveStreams(connection, 0);
        assertThat(connection.isServing()).isTrue();
    }

    @Test
    void streamResetWhileALargeResponseStreamsIsFreedAndClosesTheOriginConnection() throws Exception {
        EdgeConnection connection = connect(SECRET);
        QuicChannel edgeSide = edge.takeConnection();
        LoopbackEdge.Exchange endless = LoopbackEdge.openDataStream(edgeSide, http("GET", "/endless", List.of()),
                new byte[0], true);
        assertThat(endless.awaitReceived(1 << 20)).as("a mebibyte reached the edge").isTrue();

        endless.stream.shutdown(7).sync();

        assertThat(streamingEnded.get(10, TimeUnit.SECONDS)).as("the origin's write after the reset")
                .isInstanceOf(IOException.class);
        awaitActiveStreams(connection, 0);
        assertThat(connection.isServing()).isTrue();
    }

    /** The edge resets a stream while the request body is still coming: the origin never gets it as complete. */
    @Test
    void streamResetDuringTheUploadIsFreedAndTheOriginSeesTheBodyCutOff() throws Exception {
        EdgeConnection connection = connect(SECRET);
        QuicChannel edgeSide = edge.takeConnection();
        LoopbackEdge.Exchange upload = LoopbackEdge.openDataStream(edgeSide, http("POST", "/upload",
                List.of(new Metadata("HttpHeader:Content-Length", Integer.toString(TEN_MIB)))),
                Arrays.copyOf(TEN_MIB_PATTERN, CHUNK), false);
        assertThat(uploadArrived.await(10, TimeUnit.SECONDS)).isTrue();

        upload.stream.shutdown(7).sync();

        assertThat(uploadEnded.get(10, TimeUnit.SECONDS)).as("the origin's read after the reset")
                .isInstanceOf(IOException.class);
        awaitActiveStreams(connection, 0);
        assertThat(connection.isServing()).isTrue();
    }

    @Test
    void edgeClosingTheConnectionFailsTheCloseFuture() throws Exception {
        EdgeConnection connection = connect(SECRET);
        QuicChannel edgeSide = edge.takeConnection();

        edgeSide.close(true, 0x42, Unpooled.copiedBuffer("going away", UTF_8));

        assertThatThrownBy(() -> connection.closeFuture().toCompletableFuture().get(10, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(QuicConnectionLostException.class)
                .hasMessageContaining("going away");
        assertThat(connection.isServing()).isFalse();
    }

    /**
     * Makes sure that the control stream's keep-alive ({@link QuicEdgeConnection}, "Keep-alive") carries a
     * connection with no other traffic past the 5 s idle timeout; without it, the connection ends there.
     */
    @Test
    void quietConnectionOutlivesTheIdleTimeoutOnItsKeepAlive() throws Exception {
        EdgeConnection connection = connect(SECRET);

        // The registration's bootstrap, then one ping a second: the eighth comes 7 s after the registration.
        boolean pinged = edge.bootstraps.tryAcquire(8, 20, TimeUnit.SECONDS);

        assertThat(pinged).isTrue();
        assertThat(connection.closeFuture().toCompletableFuture()).isNotDone();
        assertThat(connection.isServing()).isTrue();
    }

    /** Waits at most 10 s until {@code connection} counts {@code expected} data streams in flight. */
    private static void awaitActiveStreams(EdgeConnection connection, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (connection.activeStreams() != expected && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        assertThat(connection.activeStreams()).as("data streams in flight").isEqualTo(expected);
    }

    private EdgeConnection connect(byte[] secret) throws Exception {
        EdgeConnection connection = new QuicEdgeTransport().connect(request(secret)).get(10, TimeUnit.SECONDS);
        connections.add(connection);
        return connection;
    }

    private EdgeConnectRequest request(byte[] secret) {
        TunnelCredentials credentials = new TunnelCredentials("0123456789abcdef0123456789abcdef", secret,
                TUNNEL_ID, Optional.empty());
        RegistrationInfo registration = new RegistrationInfo(credentials, UUID.randomUUID(),
                RegistrationInfo.DEFAULT_FEATURES, "DEV", "linux_amd64", false, 0);
        return new EdgeConnectRequest(0, EdgeAddress.of(InetAddress.getLoopbackAddress(), edge.address().getPort()),
                CA.trust(), registration, services, connectorGroup, Duration.ofSeconds(10));
    }

    private static ConnectRequest http(String method, String path, List<Metadata> headers) {
        List<Metadata> metadata = new ArrayList<>();
        metadata.add(new Metadata("HttpMethod", method));
        metadata.add(new Metadata("HttpHost", "app.example.com"));
        metadata.add(new Metadata("HttpHeader:Cf-Ray", "0000000000000002-TST"));
        metadata.addAll(headers);
        return new ConnectRequest("http://app.example.com" + path, ConnectionType.HTTP, metadata);
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * Answers with {@value #CHUNK}-byte chunks until a write fails (or 256 MiB went out) and completes
     * {@link #streamingEnded} with how it ended. With {@code pause}, waits for {@link #trickleRelease} after the first.
     */
    private static void streamUntilFailure(HttpExchange exchange, boolean pause) {
        try {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (int sent = 0; sent < (256 << 20); sent += CHUNK) {
                out.write(TEN_MIB_PATTERN, 0, CHUNK);
                out.flush();
                if (pause && sent == 0) {
                    trickleRelease.await(30, TimeUnit.SECONDS);
                }
            }
            out.close();
            streamingEnded.complete(null);
        } catch (IOException e) {
            streamingEnded.complete(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    /** Reads the request body to its end, counting {@link #uploadArrived} down at the first bytes; see uploadEnded. */
    private static void readUpload(HttpExchange exchange) {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] buffer = new byte[CHUNK];
            while (in.read(buffer) >= 0) {
                uploadArrived.countDown();
            }
            uploadEnded.complete(null);
            exchange.sendResponseHeaders(204, -1);
        } catch (IOException e) {
            uploadEnded.complete(e);
        } finally {
            exchange.close();
        }
    }

    private static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 16));
        }
        return bytes;
    }
}
