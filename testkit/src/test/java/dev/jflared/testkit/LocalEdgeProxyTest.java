package dev.jflared.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(90)
class LocalEdgeProxyTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** More than three times the 6 MiB stream receive window of either side: it only arrives if windows reopen. */
    private static final long TWENTY_MIB = 20L << 20;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final HttpClient eyeball = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final LocalEdge edge = LocalEdge.builder().build().start();
    private TestConnector connector;

    @BeforeEach
    void connect() throws Exception {
        connector = TestConnector.connect(group, edge);
        connector.register(edge.credentials(), 0);
        edge.awaitConnections(1, WAIT);
    }

    @AfterEach
    void tearDown() throws Exception {
        connector.close();
        edge.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void getBecomesAConnectRequestAndTheAnswerReachesTheEyeball() throws Exception {
        CompletableFuture<HttpResponse<String>> response = eyeball.sendAsync(
                HttpRequest.newBuilder(edge.eyeballUri("/headers?x=1")).header("X-Custom-One", "alpha").build(),
                HttpResponse.BodyHandlers.ofString());

        ConnectorDataStream stream = connector.takeRequest();
        String host = edge.eyeballUrl().substring("http://".length());
        assertThat(stream.request.dest()).isEqualTo("http://" + host + "/headers?x=1");
        assertThat(stream.request.type().name()).isEqualTo("HTTP");
        assertThat(stream.values("HttpMethod")).containsExactly("GET");
        assertThat(stream.values("HttpHost")).containsExactly(host);
        assertThat(stream.header("X-Custom-One")).isEqualTo("alpha");
        assertThat(stream.header("Cf-Ray")).matches("[0-9a-f]{16}-LOCAL");
        assertThat(stream.header("Cf-Connecting-Ip")).isEqualTo("127.0.0.1");
        assertThat(stream.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(stream.header("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(stream.header("Cf-Visitor")).isEqualTo("{\"scheme\":\"http\"}");
        assertThat(stream.values("HttpHeader:Connection")).isEmpty();
        assertThat(stream.body()).isEmpty();
        stream.respond(201, Map.of("Content-Type", "text/plain", "X-Origin", "yes", "Content-Length", "5"));
        stream.write("hello");
        stream.end();
        HttpResponse<String> answer = response.get(10, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(201);
        assertThat(answer.headers().firstValue("x-origin")).hasValue("yes");
        assertThat(answer.headers().firstValue("content-type")).hasValue("text/plain");
        assertThat(answer.body()).isEqualTo("hello");
    }

    @Test
    void postBodyReachesTheConnectorAndAChunkedAnswerComesBack() throws Exception {
        CompletableFuture<HttpResponse<String>> response = eyeball.sendAsync(
                HttpRequest.newBuilder(edge.eyeballUri("/echo"))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("hello golden echo"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        ConnectorDataStream stream = connector.takeRequest();
        assertThat(stream.values("HttpMethod")).containsExactly("POST");
        assertThat(stream.header("Content-Length")).isEqualTo("17");
        assertThat(new String(stream.body(), StandardCharsets.UTF_8)).isEqualTo("hello golden echo");
        stream.respond(200, Map.of("Content-Type", "text/plain"));
        stream.write("hello ");
        stream.write("back");
        stream.end();
        HttpResponse<String> answer = response.get(10, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("hello back");
    }

    @Test
    void keepAliveConnectionCarriesSeveralRequests() throws Exception {
        for (int i = 0; i < 3; i++) {
            CompletableFuture<HttpResponse<String>> response = eyeball.sendAsync(
                    HttpRequest.newBuilder(edge.eyeballUri("/n/" + i)).build(), HttpResponse.BodyHandlers.ofString());
            ConnectorDataStream stream = connector.takeRequest();
            stream.respond(200, Map.of("Content-Length", "1"));
            stream.write(Integer.toString(i));
            stream.end();

            assertThat(response.get(10, TimeUnit.SECONDS).body()).isEqualTo(Integer.toString(i));
        }
    }

    @Test
    void connectorErrorBecomes502WithItsText() throws Exception {
        CompletableFuture<HttpResponse<String>> response = eyeball.sendAsync(
                HttpRequest.newBuilder(edge.eyeballUri("/down")).build(), HttpResponse.BodyHandlers.ofString());

        connector.takeRequest().respondError("dial tcp 127.0.0.1:1: connection refused");

        HttpResponse<String> answer = response.get(10, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).contains("connection refused");
    }

    @Test
    void headAndNoContentAnswersHaveNoBody() throws Exception {
        CompletableFuture<HttpResponse<String>> head = eyeball.sendAsync(
                HttpRequest.newBuilder(edge.eyeballUri("/h")).method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(), HttpResponse.BodyHandlers.ofString());
        ConnectorDataStream headStream = connector.takeRequest();
        headStream.respond(200, Map.of("Content-Length", "42"));
        headStream.end();
        assertThat(head.get(10, TimeUnit.SECONDS).headers().firstValue("content-length")).hasValue("42");

        CompletableFuture<HttpResponse<String>> noContent = eyeball.sendAsync(
                HttpRequest.newBuilder(edge.eyeballUri("/n")).build(), HttpResponse.BodyHandlers.ofString());
        ConnectorDataStream noContentStream = connector.takeRequest();
        noContentStream.respond(204, Map.of());
        noContentStream.end();

        HttpResponse<String> answer = noContent.get(10, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(204);
        assertThat(answer.body()).isEmpty();
    }

    @Test
    void twentyMibUploadStreamsThrough() throws Exception {
        CompletableFuture<HttpResponse<String>> response = eyeball.sendAsync(
                HttpRequest.newBuilder(edge.eyeballUri("/upload"))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(TWENTY_MIB)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        ConnectorDataStream stream = connector.takeRequest();
        assertThat(stream.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(stream.discardBody()).isEqualTo(TWENTY_MIB);
        stream.respond(200, Map.of("Content-Length", "2"));
        stream.write("ok");
        stream.end();
        assertThat(response.get(30, TimeUnit.SECONDS).body()).isEqualTo("ok");
    }

    @Test
    void twentyMibDownloadStreamsThrough() throws Exception {
        CompletableFuture<HttpResponse<InputStream>> response = eyeball.sendAsync(
                HttpRequest.newBuilder(edge.eyeballUri("/download")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        ConnectorDataStream stream = connector.takeRequest();
        stream.respond(200, Map.of("Content-Type", "application/octet-stream"));

        CompletableFuture<Void> sent = stream.send(TWENTY_MIB);

        try (InputStream body = response.get(10, TimeUnit.SECONDS).body()) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            boolean pattern = true;
            for (int n; (n = body.read(buffer)) > 0; total += n) {
                for (int i = 0; i < n; i++) {
                    pattern &= buffer[i] == (byte) ((total + i) % 251);
                }
            }
            assertThat(total).isEqualTo(TWENTY_MIB);
            assertThat(pattern).isTrue();
        }
        sent.get(10, TimeUnit.SECONDS);
    }

    @Test
    void websocketIsRelayedAsRawBytesAfter101() throws Exception {
        try (Socket socket = new Socket(edge.eyeballAddress().getAddress(), edge.eyeballAddress().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /ws HTTP/1.1\r\nHost: example.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();

            ConnectorDataStream stream = connector.takeRequest();
            assertThat(stream.request.type().name()).isEqualTo("WEBSOCKET");
            assertThat(stream.header("Sec-Websocket-Key")).isEqualTo("dGhlIHNhbXBsZSBub25jZQ==");
            assertThat(stream.values("HttpHeader:Upgrade")).isEmpty();
            assertThat(stream.values("HttpHeader:Connection")).isEmpty();
            stream.respond(101, Map.of("Sec-Websocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
            stream.echo();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 101 Switching Protocols")
                    .containsIgnoringCase("upgrade: websocket")
                    .containsIgnoringCase("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
            out.write("raw frames, both ways".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(new String(in.readNBytes(21), StandardCharsets.US_ASCII)).isEqualTo("raw frames, both ways");
        }
    }

    @Test
    void requestsAreSpreadRoundRobinOverConnections() throws Exception {
        try (TestConnector second = TestConnector.connect(group, edge)) {
            second.register(edge.credentials(), 1);
            edge.awaitConnections(2, WAIT);

            int[] served = new int[2];
            for (int i = 0; i < 4; i++) {
                CompletableFuture<HttpResponse<String>> response = eyeball.sendAsync(
                        HttpRequest.newBuilder(edge.eyeballUri("/rr")).build(), HttpResponse.BodyHandlers.ofString());
                ConnectorDataStream stream = connector.requests.poll(200, TimeUnit.MILLISECONDS);
                int index = 0;
                if (stream == null) {
                    stream = second.takeRequest();
                    index = 1;
                }
                served[index]++;
                stream.respond(200, Map.of("Content-Length", "0"));
                stream.end();
                assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }

            assertThat(served).containsExactly(2, 2);
        }
    }

    private static String readHead(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** {@code length} bytes of the pattern {@code i % 251}, generated as read. */
    private static final class PatternStream extends InputStream {
        private final long length;
        private long position;

        PatternStream(long length) {
            this.length = length;
        }

        @Override
        public int read() {
            return position < length ? (int) (position++ % 251) : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= length) {
                return -1;
            }
            int n = (int) Math.min(len, length - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) ((position + i) % 251);
            }
            position += n;
            return n;
        }
    }
}
