package dev.jflared.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * cloudflared's origin transport leaves compression on, so Go asks for gzip where the request did not say what it
 * accepts, and gunzips the answer before the eyeball sees it. These tests send requests through the proxy to a
 * real origin that serves gzip when asked, and check what the origin was asked and what the responder got.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AcceptEncodingTest {

    private static final String TEXT = "hello, gzip world; ".repeat(100);
    private static final EventLoopGroup edge = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private static final EventLoopGroup servers = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private static final EventLoop loop = edge.next();

    /** The Accept-Encoding values of each request the origin received (an empty list for none). */
    private final LinkedBlockingQueue<List<String>> asked = new LinkedBlockingQueue<>();

    @AfterAll
    static void closeLoops() {
        edge.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        servers.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Serves {@link #TEXT}, gzipped with a Content-Length when the request accepts gzip; records what it accepted. */
    private ChannelHandler gzipWhenAsked() {
        return new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                List<String> accepted = request.headers().getAll(HttpHeaderNames.ACCEPT_ENCODING);
                asked.add(accepted);
                boolean gzip = accepted.stream().anyMatch(value -> value.contains("gzip"));
                byte[] plain = TEXT.getBytes(StandardCharsets.US_ASCII);
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.wrappedBuffer(gzip ? gzip(plain) : plain));
                if (gzip) {
                    response.headers().set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
                }
                response.headers().set("X-Origin", "yes");
                HttpUtil.setContentLength(response, response.content().readableBytes());
                ctx.writeAndFlush(response);
            }
        };
    }

    private static TestResponder send(OriginProxy proxy, String method, HttpHeaders headers) {
        TestResponder responder = TestResponder.fast(loop);
        proxy.proxy(new TunnelRequest(TunnelRequest.Kind.HTTP, "https://app.example.com/page", method,
                "app.example.com", "/page", headers, "ray", loop, BodySource.empty()), responder);
        return responder;
    }

    private static OriginProxy proxy(TestOrigin origin) {
        return OriginProxy.builder().ingress(() -> Ingresses.single(Ingresses.http(origin.url("http")))).build();
    }

    @Test
    void aRequestThatAcceptsNothingAsksForGzipAndGetsTheBodyGunzipped() throws Exception {
        try (TestOrigin origin = TestOrigin.http1(servers, true, this::gzipWhenAsked);
             OriginProxy proxy = proxy(origin)) {

            TestResponder responder = send(proxy, "GET", new DefaultHttpHeaders());
            responder.trailers.get(10, TimeUnit.SECONDS);

            assertThat(asked.poll(10, TimeUnit.SECONDS)).containsExactly("gzip");
            HttpHeaders head = responder.head.join().headers();
            assertThat(head.contains(HttpHeaderNames.CONTENT_ENCODING)).isFalse();
            assertThat(head.contains(HttpHeaderNames.CONTENT_LENGTH)).isFalse();
            assertThat(head.get("X-Origin")).isEqualTo("yes");
            assertThat(responder.body()).isEqualTo(TEXT);
        }
    }

    @Test
    void theEyeballsOwnAcceptEncodingIsSentAsItIsAndTheGzipBodyComesBackUntouched() throws Exception {
        try (TestOrigin origin = TestOrigin.http1(servers, true, this::gzipWhenAsked);
             OriginProxy proxy = proxy(origin)) {
            byte[] compressed = gzip(TEXT.getBytes(StandardCharsets.US_ASCII));

            TestResponder responder = send(proxy, "GET",
                    new DefaultHttpHeaders().add(HttpHeaderNames.ACCEPT_ENCODING, "gzip, br"));
            responder.trailers.get(10, TimeUnit.SECONDS);

            assertThat(asked.poll(10, TimeUnit.SECONDS)).containsExactly("gzip, br");
            HttpHeaders head = responder.head.join().headers();
            assertThat(head.get(HttpHeaderNames.CONTENT_ENCODING)).isEqualTo("gzip");
            assertThat(head.get(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(String.valueOf(compressed.length));
            assertThat(responder.bytes()).isEqualTo(compressed.length);
        }
    }

    @Test
    void headAndRangeRequestsAreNotAskedForGzip() throws Exception {
        try (TestOrigin origin = TestOrigin.http1(servers, true, this::gzipWhenAsked);
             OriginProxy proxy = proxy(origin)) {

            send(proxy, "HEAD", new DefaultHttpHeaders()).trailers.get(10, TimeUnit.SECONDS);
            send(proxy, "GET", new DefaultHttpHeaders().add(HttpHeaderNames.RANGE, "bytes=0-9"))
                    .trailers.get(10, TimeUnit.SECONDS);

            assertThat(asked.poll(10, TimeUnit.SECONDS)).isEmpty();
            assertThat(asked.poll(10, TimeUnit.SECONDS)).isEmpty();
        }
    }

    @Test
    void anHttp2OriginIsAskedForGzipAndItsAnswerGunzippedToo() throws Exception {
        try (TestOrigin origin = TestOrigin.http2(servers, null, this::gzipWhenAsked);
             OriginProxy proxy = OriginProxy.builder().ingress(() -> Ingresses.single(
                     Ingresses.http(origin.url("http")),
                     Ingresses.config(Optional.empty(), Optional.empty(), Optional.empty(), false, true))).build()) {

            TestResponder responder = send(proxy, "GET", new DefaultHttpHeaders());
            responder.trailers.get(10, TimeUnit.SECONDS);

            assertThat(asked.poll(10, TimeUnit.SECONDS)).containsExactly("gzip");
            assertThat(responder.head.join().headers().contains(HttpHeaderNames.CONTENT_ENCODING)).isFalse();
            assertThat(responder.body()).isEqualTo(TEXT);
        }
    }

    @Test
    void aBodyThatIsNotGzipAbortsTheResponseAfterItsHead() throws Exception {
        ChannelHandler notGzip = new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.copiedBuffer("this is not gzip at all", StandardCharsets.US_ASCII));
                response.headers().set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
                HttpUtil.setContentLength(response, response.content().readableBytes());
                ctx.writeAndFlush(response);
            }
        };
        try (TestOrigin origin = TestOrigin.http1(servers, true, () -> notGzip); OriginProxy proxy = proxy(origin)) {

            TestResponder responder = send(proxy, "GET", new DefaultHttpHeaders());

            assertThat(responder.aborted.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(io.netty.handler.codec.compression.DecompressionException.class);
            assertThat(responder.status()).isEqualTo(200);
            assertThat(responder.trailers).isNotDone();
        }
    }

    @Test
    void aBodyThatGunzipsAThousandfoldStaysInBoundedMemoryForASlowReader() throws Exception {
        int size = 64 << 20;
        byte[] compressed = gzip(new byte[size]);
        CRC32 expected = new CRC32();
        byte[] zeros = new byte[1 << 16];
        for (int i = 0; i < size / zeros.length; i++) {
            expected.update(zeros);
        }
        MemoryProbe probe = new MemoryProbe();
        try (TestOrigin origin = TestOrigin.http1(servers, false, () -> new ChunkedGzip(compressed));
             OriginProxy proxy = OriginProxy.builder().allocator(probe.allocator())
                     .ingress(() -> Ingresses.single(Ingresses.http(origin.url("http")))).build()) {
            TestResponder responder = TestResponder.slow(loop, probe);

            proxy.proxy(new TunnelRequest(TunnelRequest.Kind.HTTP, "http://app/zeros", "GET", "app", "/zeros",
                    new DefaultHttpHeaders(), "zeros", loop, BodySource.empty()), responder);

            assertThat(responder.trailers.get(50, TimeUnit.SECONDS).get("X-Done")).isEqualTo("yes");
            assertThat(compressed.length).isLessThan(size / 500);
            assertThat(responder.bytes()).isEqualTo(size);
            assertThat(responder.crc()).isEqualTo(expected.getValue());
            assertThat(responder.pauses()).isPositive();
            assertThat(probe.max()).isPositive().isLessThan(4L << 20);
        }
    }

    /** Answers with a chunked gzip body, given whole to the channel in 64 KiB chunks, and a trailer. */
    private static final class ChunkedGzip extends ChannelInboundHandlerAdapter {

        private final byte[] compressed;

        ChunkedGzip(byte[] compressed) {
            this.compressed = compressed;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            boolean request = msg instanceof HttpRequest;
            ReferenceCountUtil.release(msg);
            if (!request) {
                return;
            }
            DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            HttpUtil.setTransferEncodingChunked(head, true);
            head.headers().set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
            ctx.write(head);
            for (int offset = 0; offset < compressed.length; offset += 1 << 16) {
                int length = Math.min(1 << 16, compressed.length - offset);
                ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(compressed, offset, length)));
            }
            DefaultLastHttpContent last = new DefaultLastHttpContent();
            last.trailingHeaders().set("X-Done", "yes");
            ctx.writeAndFlush(last);
        }
    }
}
