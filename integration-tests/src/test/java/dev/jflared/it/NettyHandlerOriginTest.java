package dev.jflared.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.Tunnel;
import dev.jflared.embed.NettyHandlerOrigin;
import dev.jflared.testkit.LocalEdge;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NettyHandlerOriginTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final CompletableFuture<Void> secondEventMayGo = new CompletableFuture<>();
    private static final int BIG = 8 * 1024 * 1024;
    private static final AtomicInteger unwritableSeen = new AtomicInteger();

    private static LocalEdge edge;
    private static NettyHandlerOrigin origin;
    private static Tunnel tunnel;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        edge = LocalEdge.builder().build().start();
        origin = NettyHandlerOrigin.builder(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new WebSocketServerProtocolHandler("/ws"), new Router(), new WsEcho());
            }
        }).window(64 * 1024).build();
        tunnel = TestOrigins.tunnelFor(edge).handler(origin).start().awaitReady(WAIT);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        secondEventMayGo.complete(null);
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

    /** GET /hello, streaming echo of POST /echo, and /events: one event, then another when the test says. */
    private static final class Router extends ChannelInboundHandlerAdapter {
        private boolean echo;
        private long bigSent = -1;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                String path = URI.create(request.uri()).getPath();
                if (path.equals("/echo")) {
                    echo = true;
                    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                    ctx.write(head);
                } else if (path.equals("/big")) {
                    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, BIG);
                    ctx.write(head);
                    bigSent = 0;
                    writeBig(ctx);
                } else if (path.equals("/events")) {
                    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
                    head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                    ctx.write(head);
                    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("data: one\n\n",
                            StandardCharsets.UTF_8)));
                    secondEventMayGo.thenRun(() -> ctx.executor().execute(() -> {
                        ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("data: two\n\n",
                                StandardCharsets.UTF_8)));
                        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                    }));
                } else {
                    byte[] body = ("netty " + request.method() + " " + request.uri() + " host="
                            + request.headers().get(HttpHeaderNames.HOST)).getBytes(StandardCharsets.UTF_8);
                    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
                    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    ctx.writeAndFlush(response);
                }
            }
            if (msg instanceof HttpContent content) {
                if (echo) {
                    boolean last = content instanceof LastHttpContent;
                    ctx.write(last ? new io.netty.handler.codec.http.DefaultLastHttpContent(
                            content.content().retain()) : new DefaultHttpContent(content.content().retain()));
                    if (last) {
                        echo = false;
                        ctx.flush();
                    }
                }
                content.release();
            } else if (!(msg instanceof HttpRequest)) {
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (!ctx.channel().isWritable()) {
                unwritableSeen.incrementAndGet();
            } else if (bigSent >= 0) {
                writeBig(ctx);
            }
            ctx.fireChannelWritabilityChanged();
        }

        /** Writes the big body only while the channel is writable, as a well-behaved Netty handler does. */
        private void writeBig(ChannelHandlerContext ctx) {
            while (ctx.channel().isWritable() && bigSent < BIG) {
                int size = (int) Math.min(16 * 1024, BIG - bigSent);
                byte[] chunk = new byte[size];
                for (int i = 0; i < size; i++) {
                    chunk[i] = (byte) ((bigSent + i) % 251);
                }
                bigSent += size;
                ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk)));
            }
            if (bigSent == BIG) {
                bigSent = -1;
                ctx.write(LastHttpContent.EMPTY_LAST_CONTENT);
            }
            ctx.flush();
        }
    }

    private static final class WsEcho extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            ctx.writeAndFlush(new TextWebSocketFrame("echo:" + frame.text()));
        }
    }

    @Test
    void getIsAnsweredByThePipeline() throws Exception {
        var response = client.send(java.net.http.HttpRequest.newBuilder(edge.eyeballUri("/hello?x=1"))
                .timeout(WAIT).build(), BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("netty GET /hello?x=1 host=");
    }

    @Test
    void postedBodyStreamsThroughBothWays() throws Exception {
        byte[] payload = new byte[3 * 1024 * 1024 + 5];
        new Random(11).nextBytes(payload);

        var response = client.send(java.net.http.HttpRequest.newBuilder(edge.eyeballUri("/echo"))
                .timeout(WAIT).POST(BodyPublishers.ofByteArray(payload)).build(), BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(payload);
    }

    @Test
    void aLargeResponsePausesTheWriterAndArrivesWhole() throws Exception {
        var response = client.send(java.net.http.HttpRequest.newBuilder(edge.eyeballUri("/big"))
                .timeout(WAIT).build(), BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        byte[] body = response.body();
        assertThat(body).hasSize(BIG);
        for (int i = 0; i < BIG; i += 4099) {
            assertThat(body[i]).isEqualTo((byte) (i % 251));
        }
        assertThat(unwritableSeen.get()).isPositive();
    }

    @Test
    void chunksArriveOneByOne() throws Exception {
        var response = client.send(java.net.http.HttpRequest.newBuilder(edge.eyeballUri("/events"))
                .timeout(WAIT).build(), BodyHandlers.ofInputStream());
        BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));

        String first = events.readLine();
        secondEventMayGo.complete(null);
        events.readLine();
        String second = events.readLine();

        assertThat(first).isEqualTo("data: one");
        assertThat(second).isEqualTo("data: two");
        events.close();
    }

    @Test
    void websocketHandshakeAndFramesGoThroughTheUsersProtocolHandler() throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        URI uri = URI.create(edge.eyeballUrl().replace("http://", "ws://") + "/ws");
        WebSocket socket = client.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(uri,
                new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            answer.complete(text.toString());
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(60, TimeUnit.SECONDS);

        socket.sendText("ping", true).get(60, TimeUnit.SECONDS);

        assertThat(answer.get(60, TimeUnit.SECONDS)).isEqualTo("echo:ping");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(60, TimeUnit.SECONDS);
    }
}
