package dev.jflared.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.ingress.OriginService;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The origins served without a socket: http_status, hello_world, and in-process handlers. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BuiltInOriginTest {

    private static final EventLoopGroup edge = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private static final EventLoop loop = edge.next();
    private static final Instant START = Instant.parse("2026-01-02T03:04:05Z");

    @AfterAll
    static void closeLoop() {
        edge.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static TestResponder send(OriginProxy proxy, TunnelRequest.Kind kind, String method, String path,
                              HttpHeaders headers, BodySource body) {
        TestResponder responder = TestResponder.fast(loop);
        proxy.proxy(new TunnelRequest(kind, "https://app.example.com" + path, method, "app.example.com", path,
                headers, "builtin", loop, body), responder);
        return responder;
    }

    static TestResponder get(OriginProxy proxy, String path) {
        return send(proxy, TunnelRequest.Kind.HTTP, "GET", path, new DefaultHttpHeaders(), BodySource.empty());
    }

    static OriginProxy helloWorld() {
        return OriginProxy.builder().clock(Clock.fixed(START, ZoneOffset.UTC))
                .ingress(() -> Ingresses.single(new OriginService.HelloWorld("hello_world"))).build();
    }

    @Test
    void httpStatusAnswersWithoutAnOrigin() throws Exception {
        try (OriginProxy proxy = OriginProxy.builder()
                .ingress(() -> Ingresses.single(new OriginService.HttpStatus("http_status:418", 418))).build()) {

            TestResponder responder = get(proxy, "/anything");

            responder.trailers.get(10, TimeUnit.SECONDS);
            assertThat(responder.status()).isEqualTo(418);
            assertThat(responder.head.join().source()).isEqualTo(ResponseHead.Source.ORIGIN);
            assertThat(responder.bytes()).isZero();
        }
    }

    @Test
    void helloWorldPageDescribesTheRequestAndItsBody() throws Exception {
        try (OriginProxy proxy = helloWorld()) {
            HttpHeaders headers = new DefaultHttpHeaders().add("Content-Length", 9).add("X-Test", "<yes>");

            TestResponder responder = send(proxy, TunnelRequest.Kind.HTTP, "POST", "/page?q=1", headers,
                    TestBodySource.of("the body"  + "!"));

            responder.trailers.get(10, TimeUnit.SECONDS);
            assertThat(responder.status()).isEqualTo(200);
            assertThat(responder.head.join().headers().get("Content-Type")).isEqualTo("text/html; charset=utf-8");
            assertThat(responder.body()).contains("Method: POST", "Request URL: /page?q=1",
                    "Host: app.example.com", "X-Test, Value: &lt;yes&gt;", "Body: the body!");
        }
    }

    @Test
    void helloWorldHealthAndUptimeRoutes() throws Exception {
        try (OriginProxy proxy = helloWorld()) {

            TestResponder health = get(proxy, "/_health");
            TestResponder uptime = get(proxy, "/uptime");

            health.trailers.get(10, TimeUnit.SECONDS);
            uptime.trailers.get(10, TimeUnit.SECONDS);
            assertThat(health.body()).isEqualTo("ok");
            assertThat(uptime.head.join().headers().get("Content-Type")).isEqualTo("application/json");
            assertThat(uptime.body()).isEqualTo("{\"startTime\":\"2026-01-02T03:04:05Z\",\"uptime\":\"0s\"}");
        }
    }

    @Test
    void helloWorldSendsServerSentEventsAtTheAskedFrequency() throws Exception {
        try (OriginProxy proxy = helloWorld()) {

            TestResponder responder = get(proxy, "/sse?freq=5ms");

            assertThat(responder.chunks.poll(10, TimeUnit.SECONDS)).isEqualTo("0\n\n");
            assertThat(responder.chunks.poll(10, TimeUnit.SECONDS)).isEqualTo("1\n\n");
            assertThat(responder.head.join().headers().get("Content-Type"))
                    .isEqualTo("text/event-stream; charset=utf-8");
            assertThat(responder.trailers).isNotDone();
        }
    }

    @Test
    void helloWorldEchoesWebsocketMessages() throws Exception {
        try (OriginProxy proxy = helloWorld()) {
            PushBodySource eyeball = new PushBodySource(loop);
            HttpHeaders headers = new DefaultHttpHeaders().add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");

            TestResponder responder = send(proxy, TunnelRequest.Kind.WEBSOCKET, "GET", "/ws", headers, eyeball);
            eyeball.push(WebSocketFrames.client(WebSocketFrames.TEXT, "hi there"));
            String echoed = responder.awaitBytes(10);
            eyeball.end();

            assertThat(responder.status()).isEqualTo(101);
            assertThat(echoed).isEqualTo(WebSocketFrames.server(WebSocketFrames.TEXT, "hi there"));
            responder.trailers.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void inProcessOriginStreamsBothWays() throws Exception {
        InProcessOrigin echo = (request, responder) -> {
            HttpHeaders headers = new DefaultHttpHeaders().add("X-Served-By", "in-process");
            BodySink sink = responder.respond(new ResponseHead(200, headers, ResponseHead.Source.ORIGIN));
            new BodyPump(request.body(), sink, request.eventLoop()).start();
        };
        try (OriginProxy proxy = OriginProxy.builder().inProcessOrigin("app", echo)
                .ingress(() -> Ingresses.single(new OriginService.InProcess("app", "app"))).build()) {
            PushBodySource eyeball = new PushBodySource(loop);
            HttpHeaders headers = new DefaultHttpHeaders().add("Transfer-Encoding", "chunked");

            TestResponder responder = send(proxy, TunnelRequest.Kind.HTTP, "POST", "/", headers, eyeball);
            eyeball.push("first ".getBytes(StandardCharsets.UTF_8));
            String first = responder.awaitBytes(6);
            eyeball.push("second".getBytes(StandardCharsets.UTF_8));
            eyeball.end();
            responder.trailers.get(10, TimeUnit.SECONDS);

            assertThat(first).isEqualTo("first ");
            assertThat(responder.body()).isEqualTo("first second");
            assertThat(responder.head.join().headers().get("X-Served-By")).isEqualTo("in-process");
        }
    }

    @Test
    void unknownInProcessOriginIsA502() throws Exception {
        try (OriginProxy proxy = OriginProxy.builder()
                .ingress(() -> Ingresses.single(new OriginService.InProcess("missing", "missing"))).build()) {

            TestResponder responder = get(proxy, "/");

            assertThat(responder.failure.get(10, TimeUnit.SECONDS)).hasMessageContaining("missing");
        }
    }
}
