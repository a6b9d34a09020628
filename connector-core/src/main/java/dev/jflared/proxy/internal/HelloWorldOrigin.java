package dev.jflared.proxy.internal;

import dev.jflared.proxy.BodyPump;
import dev.jflared.proxy.BodyReceiver;
import dev.jflared.proxy.BodySink;
import dev.jflared.proxy.ResponseHead;
import dev.jflared.proxy.TunnelRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * cloudflared's built-in test server ({@code hello_world}, cloudflared {@code hello/hello.go}) served in-process:
 * no listener, no TLS, no socket. Its routes behave as cloudflared's:
 * <ul>
 *   <li>{@code /uptime}: JSON {@code {"startTime": RFC 3339, "uptime": Go duration}}.</li>
 *   <li>{@code /ws}: a websocket that echoes every message (kind websocket only; 400 otherwise).</li>
 *   <li>{@code /sse}: {@code text/event-stream} sending {@code "<n>\n\n"} every {@code ?freq=} (a Go duration,
 *       default 10s), n counting from 0, until the eyeball leaves.</li>
 *   <li>{@code /_health}: {@code ok}.</li>
 *   <li>anything else: an HTML page describing the request, its body included (the first
 *       {@value #MAX_ECHOED_BODY} bytes; cloudflared reads it all).</li>
 * </ul>
 */
public final class HelloWorldOrigin {

    static final int MAX_ECHOED_BODY = 64 * 1024;
    private static final Duration DEFAULT_SSE_FREQUENCY = Duration.ofSeconds(10);

    private final Clock clock;
    private final Instant startTime;

    public HelloWorldOrigin(Clock clock) {
        this.clock = clock;
        this.startTime = clock.instant();
    }

    /** Serves {@code call}. Event-loop only. */
    public void serve(ProxiedRequest call) {
        switch (call.request().path()) {
            case "/uptime" -> drainThenText(call, "application/json", uptimeJson());
            case "/_health" -> drainThenText(call, "text/plain; charset=utf-8", "ok");
            case "/sse" -> serverSentEvents(call);
            case "/ws" -> websocketEcho(call);
            default -> page(call);
        }
    }

    String uptimeJson() {
        Duration uptime = Duration.between(startTime, clock.instant());
        return "{\"startTime\":\"" + startTime + "\",\"uptime\":\"" + GoDuration.format(uptime) + "\"}";
    }

    private static void drainThenText(ProxiedRequest call, String contentType, String body) {
        BodyDrain.drain(call.request().body());
        text(call, contentType, body);
    }

    /** Answers {@code body} in one piece; the request body must have been consumed already. */
    private static void text(ProxiedRequest call, String contentType, String body) {
        ByteBuf bytes = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        headers.set(HttpHeaderNames.CONTENT_LENGTH, bytes.readableBytes());
        BodySink sink = call.respond(new ResponseHead(200, headers, ResponseHead.Source.ORIGIN));
        sink.write(bytes);
        sink.end(EmptyHttpHeaders.INSTANCE);
    }

    private static void serverSentEvents(ProxiedRequest call) {
        TunnelRequest request = call.request();
        BodyDrain.drain(request.body());
        Duration frequency = DEFAULT_SSE_FREQUENCY;
        List<String> freq = new QueryStringDecoder(request.pathAndQuery()).parameters().get("freq");
        if (freq != null && !freq.isEmpty()) {
            frequency = GoDuration.parse(freq.get(0)).filter(d -> d.toNanos() > 0).orElse(frequency);
        }
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        BodySink sink = call.respond(new ResponseHead(200, headers, ResponseHead.Source.ORIGIN));
        int[] counter = {0};
        ScheduledFuture<?> ticker = request.eventLoop().scheduleAtFixedRate(() -> {
            // Like Go's ticker, a tick that finds the eyeball slow is skipped rather than queued.
            if (sink.isWritable()) {
                sink.write(Unpooled.copiedBuffer(counter[0]++ + "\n\n", StandardCharsets.US_ASCII));
                sink.flush();
            }
        }, frequency.toNanos(), frequency.toNanos(), TimeUnit.NANOSECONDS);
        sink.listener(new BodySink.Listener() {
            @Override
            public void onWritable() {}

            @Override
            public void onClosed(Throwable cause) {
                ticker.cancel(false);
            }
        });
    }

    private static void websocketEcho(ProxiedRequest call) {
        TunnelRequest request = call.request();
        if (request.kind() != TunnelRequest.Kind.WEBSOCKET) {
            text400(call);
            return;
        }
        BodySink toEyeball = call.respond(new ResponseHead(101, StreamOrigin.websocketAccept(request.headers()),
                ResponseHead.Source.ORIGIN));
        WebSocketFraming framing = new WebSocketFraming(request.body(), toEyeball, ByteBufAllocator.DEFAULT,
                request.eventLoop());
        new BodyPump(framing.payloads(), new EchoSink(framing), request.eventLoop()).start();
    }

    private static void text400(ProxiedRequest call) {
        BodyDrain.drain(call.request().body());
        ByteBuf bytes = Unpooled.copiedBuffer("Bad Request\n", StandardCharsets.UTF_8);
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        BodySink sink = call.respond(new ResponseHead(400, headers, ResponseHead.Source.ORIGIN));
        sink.write(bytes);
        sink.end(EmptyHttpHeaders.INSTANCE);
    }

    private static void page(ProxiedRequest call) {
        call.request().body().subscribe(new BodyReceiver() {
            private final ByteBuf body = Unpooled.buffer();

            @Override
            public void onChunk(ByteBuf chunk) {
                body.writeBytes(chunk, Math.min(chunk.readableBytes(), MAX_ECHOED_BODY - body.readableBytes()));
                chunk.release();
            }

            @Override
            public void onReadComplete() {
                call.request().body().request();
            }

            @Override
            public void onEnd(HttpHeaders trailers) {
                String text = body.toString(StandardCharsets.UTF_8);
                body.release();
                text(call, "text/html; charset=utf-8", HelloWorldPage.render(call.request(), text));
            }

            @Override
            public void onError(Throwable cause) {
                body.release();
                call.fail(cause);
            }
        });
        call.request().body().request();
    }

    /** Echoes each message with its own opcode, fragment for fragment. */
    private static final class EchoSink implements BodySink {

        private final WebSocketFraming framing;
        private boolean inMessage;
        private final BodySink delegate;

        EchoSink(WebSocketFraming framing) {
            this.framing = framing;
            this.delegate = framing.frames();
        }

        @Override
        public boolean isWritable() {
            return delegate.isWritable();
        }

        @Override
        public void write(ByteBuf chunk) {
            boolean fin = framing.chunkEndsMessage();
            framing.writeFrame(inMessage ? 0 : framing.messageOpcode(), fin, chunk);
            inMessage = !fin;
        }

        @Override
        public void flush() {
            delegate.flush();
        }

        @Override
        public void end(HttpHeaders trailers) {
            delegate.end(trailers);
        }

        @Override
        public void abort(Throwable cause) {
            delegate.abort(cause);
        }

        @Override
        public void listener(Listener listener) {
            delegate.listener(listener);
        }
    }
}
