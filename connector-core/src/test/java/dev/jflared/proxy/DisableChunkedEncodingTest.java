package dev.jflared.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.ingress.OriginRequestConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The request bodies an origin receives, byte for byte, with {@code disableChunkedEncoding}: what Go writes for the
 * request cloudflared builds ({@code TransferEncoding} set to {@code gzip, deflate}, {@code ContentLength} from the
 * header), and, for contrast, the chunked body sent without it.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DisableChunkedEncodingTest {

    private static final EventLoopGroup edge = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private static final EventLoopGroup servers = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private static final EventLoop loop = edge.next();

    @AfterAll
    static void closeLoops() {
        edge.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        servers.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static OriginProxy proxy(RecordingOrigin origin, OriginRequestConfig config) {
        return OriginProxy.builder().ingress(() -> Ingresses.single(Ingresses.http(origin.url()), config)).build();
    }

    private static TestResponder send(OriginProxy proxy, String method, HttpHeaders headers, BodySource body) {
        TestResponder responder = TestResponder.fast(loop);
        proxy.proxy(new TunnelRequest(TunnelRequest.Kind.HTTP, "https://app.example.com/upload", method,
                "app.example.com", "/upload", headers, "ray", loop, body), responder);
        return responder;
    }

    private static List<String> lower(List<String> lines) {
        return lines.stream().map(line -> line.toLowerCase(Locale.ROOT)).toList();
    }

    private static boolean framing(String line) {
        return line.startsWith("content-length:") || line.startsWith("transfer-encoding:");
    }

    @Test
    void aBodyOfKnownLengthGoesWithItsContentLength() throws Exception {
        try (RecordingOrigin origin = new RecordingOrigin(servers);
             OriginProxy proxy = proxy(origin, Ingresses.noChunkedEncoding())) {
            origin.bodyCompleteWhen(body -> body.length() == 5);
            HttpHeaders headers = new DefaultHttpHeaders().add(HttpHeaderNames.CONTENT_LENGTH, 5);

            TestResponder responder = send(proxy, "POST", headers, TestBodySource.of("hello"));
            RecordingOrigin.Request received = origin.take();
            responder.trailers.get(10, TimeUnit.SECONDS);

            assertThat(received.head()).startsWith("POST /upload HTTP/1.1\r\n");
            assertThat(lower(received.headers())).contains("content-length: 5", "connection: keep-alive")
                    .filteredOn(DisableChunkedEncodingTest::framing).hasSize(1);
            assertThat(received.body()).isEqualTo("hello");
            assertThat(responder.body()).isEqualTo("ok");
        }
    }

    @Test
    void aBodyOfUnknownLengthStreamsUnframedOnAConnectionThatIsNotReused() throws Exception {
        try (RecordingOrigin origin = new RecordingOrigin(servers);
             OriginProxy proxy = proxy(origin, Ingresses.noChunkedEncoding())) {
            CountDownLatch firstPartArrived = new CountDownLatch(1);
            origin.bodyCompleteWhen(body -> {
                if (body.startsWith("first,")) {
                    firstPartArrived.countDown();
                }
                return body.equals("first,second");
            });
            PushBodySource body = new PushBodySource(loop);
            HttpHeaders headers = new DefaultHttpHeaders()
                    .add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);

            TestResponder responder = send(proxy, "POST", headers, body);
            body.push("first,".getBytes(StandardCharsets.US_ASCII));
            boolean streamed = firstPartArrived.await(10, TimeUnit.SECONDS);
            body.push("second".getBytes(StandardCharsets.US_ASCII));
            body.end();
            RecordingOrigin.Request received = origin.take();
            responder.trailers.get(10, TimeUnit.SECONDS);
            int closed = origin.takeClosed();
            origin.bodyCompleteWhen(String::isEmpty);
            TestResponder next = send(proxy, "GET", new DefaultHttpHeaders(), BodySource.empty());
            RecordingOrigin.Request after = origin.take();
            next.trailers.get(10, TimeUnit.SECONDS);

            assertThat(streamed).isTrue();
            assertThat(lower(received.headers())).contains("connection: keep-alive")
                    .noneMatch(DisableChunkedEncodingTest::framing);
            assertThat(received.body()).isEqualTo("first,second");
            assertThat(responder.body()).isEqualTo("ok");
            assertThat(closed).isEqualTo(received.connection());
            assertThat(after.connection()).isNotEqualTo(received.connection());
        }
    }

    @Test
    void noBodyGoesWithContentLengthZeroOnlyForThePostLikeMethods() throws Exception {
        try (RecordingOrigin origin = new RecordingOrigin(servers);
             OriginProxy proxy = proxy(origin, Ingresses.noChunkedEncoding())) {

            TestResponder post = send(proxy, "POST", new DefaultHttpHeaders(), BodySource.empty());
            RecordingOrigin.Request postReceived = origin.take();
            post.trailers.get(10, TimeUnit.SECONDS);
            TestResponder get = send(proxy, "GET",
                    new DefaultHttpHeaders().add(HttpHeaderNames.CONTENT_LENGTH, 0), BodySource.empty());
            RecordingOrigin.Request getReceived = origin.take();
            get.trailers.get(10, TimeUnit.SECONDS);

            assertThat(lower(postReceived.headers())).contains("content-length: 0")
                    .filteredOn(DisableChunkedEncodingTest::framing).hasSize(1);
            assertThat(postReceived.body()).isEmpty();
            assertThat(lower(getReceived.headers())).noneMatch(DisableChunkedEncodingTest::framing);
            assertThat(getReceived.body()).isEmpty();
            assertThat(getReceived.connection()).isEqualTo(postReceived.connection());
        }
    }

    @Test
    void withoutItABodyOfUnknownLengthIsChunked() throws Exception {
        try (RecordingOrigin origin = new RecordingOrigin(servers);
             OriginProxy proxy = proxy(origin, OriginRequestConfig.DEFAULTS)) {
            origin.bodyCompleteWhen(body -> body.endsWith("0\r\n\r\n"));
            HttpHeaders headers = new DefaultHttpHeaders()
                    .add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);

            TestResponder responder = send(proxy, "POST", headers, TestBodySource.of("hello"));
            RecordingOrigin.Request received = origin.take();
            responder.trailers.get(10, TimeUnit.SECONDS);

            assertThat(lower(received.headers())).contains("transfer-encoding: chunked")
                    .filteredOn(DisableChunkedEncodingTest::framing).hasSize(1);
            assertThat(received.body()).isEqualTo("5\r\nhello\r\n0\r\n\r\n");
        }
    }
}
