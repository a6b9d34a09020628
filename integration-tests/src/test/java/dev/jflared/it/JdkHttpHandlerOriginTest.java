package dev.jflared.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import dev.jflared.Tunnel;
import dev.jflared.embed.JdkHttpHandlerOrigin;
import dev.jflared.testkit.LocalEdge;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class JdkHttpHandlerOriginTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final CountDownLatch secondEventMayGo = new CountDownLatch(1);

    private static LocalEdge edge;
    private static JdkHttpHandlerOrigin origin;
    private static Tunnel tunnel;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        edge = LocalEdge.builder().build().start();
        origin = JdkHttpHandlerOrigin.builder(JdkHttpHandlerOriginTest::route).window(64 * 1024).build();
        tunnel = TestOrigins.tunnelFor(edge).handler(origin).start().awaitReady(WAIT);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        secondEventMayGo.countDown();
        if (tunnel != null) {
            tunnel.close();
        }
        if (origin != null) {
            origin.close();
        }
        if (edge != null) {
            edge.close();
        }
    }

    private static void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        switch (path) {
            case "/echo" -> {
                exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                exchange.sendResponseHeaders(200, 0);
                try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
                    in.transferTo(out);
                }
            }
            case "/events" -> {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                out.write("data: one\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                try {
                    if (!secondEventMayGo.await(60, TimeUnit.SECONDS)) {
                        throw new IOException("the client never read the first event");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
                out.write("data: two\n\n".getBytes(StandardCharsets.UTF_8));
                out.close();
            }
            default -> {
                byte[] body = (exchange.getRequestMethod() + " " + exchange.getRequestURI() + " host="
                        + exchange.getRequestHeaders().getFirst("Host")).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("X-Origin", "jdk");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Test
    void getSeesMethodUriAndHost() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(edge.eyeballUri("/a/b?c=d"))
                .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Origin")).hasValue("jdk");
        assertThat(response.body()).startsWith("GET /a/b?c=d host=");
    }

    @Test
    void postedBodyStreamsThroughBothWays() throws Exception {
        byte[] payload = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(payload);

        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(edge.eyeballUri("/echo"))
                .timeout(WAIT).POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(payload);
    }

    @Test
    void serverSentEventsArriveOneByOne() throws Exception {
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(edge.eyeballUri("/events"))
                .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));

        String first = events.readLine();
        secondEventMayGo.countDown();
        events.readLine();
        String second = events.readLine();

        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        assertThat(first).isEqualTo("data: one");
        assertThat(second).isEqualTo("data: two");
        events.close();
    }
}
