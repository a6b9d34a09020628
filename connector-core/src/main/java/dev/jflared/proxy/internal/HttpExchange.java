package dev.jflared.proxy.internal;

import dev.jflared.proxy.BodyPump;
import dev.jflared.proxy.BodyReceiver;
import dev.jflared.proxy.BodySink;
import dev.jflared.proxy.BodySource;
import dev.jflared.proxy.ChannelBodySink;
import dev.jflared.proxy.ChannelBodySource;
import dev.jflared.proxy.OriginUnreachableException;
import dev.jflared.proxy.ResponseHead;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request/response on a leased origin channel (an HTTP/1.1 connection, or an HTTP/2 stream seen through
 * Netty's HTTP/2-to-HTTP/1 codec). It is the last handler of the channel while the exchange lasts, and the
 * {@link BodySource} of the response body.
 *
 * <h2>Lifecycle</h2>
 * Writes the request head; sends the body at once, or for {@code Expect: 100-continue} once the origin says 100
 * (or after {@value #CONTINUE_TIMEOUT_MS} ms, Go's {@code ExpectContinueTimeout}); reads the response head and
 * hands it to the responder; then the response body flows through a {@link BodyPump} (through a
 * {@link GunzipSource} first when Go's transport would gunzip it). At the end the channel goes back to the pool when
 * both bodies completed, the origin keeps the connection alive and the request body was framed.
 *
 * <h2>Flow control</h2>
 * Auto-read is off: the request body is read only while the origin channel is writable (its pump), and the
 * origin only while the responder is writable (the response pump calls {@link #request()}).
 *
 * <h2>Errors</h2>
 * A failure before the response head answers 502 through {@link ProxiedRequest#fail}, except that a reused
 * connection that dies before any response byte, with no request body byte consumed, is retried once on a fresh
 * connection (the origin closed it while idle). After the head, the responder's sink is aborted.
 *
 * <h2>Ownership</h2>
 * Response content goes to the receiver; interim responses and anything after the end are released here.
 */
final class HttpExchange extends ChannelInboundHandlerAdapter implements BodySource {

    static final long CONTINUE_TIMEOUT_MS = 1000;

    private final ProxiedRequest call;
    private final HttpOrigin.Target target;
    private final OriginConnectionPool pool;
    private final OriginConnectionPool.Lease lease;
    private final Runnable retry;
    private final Channel channel;
    private BodyPump requestPump;
    private ScheduledFuture<?> continueTimer;
    private BodyReceiver responseReceiver;
    private HttpResponse finalResponse;
    private boolean bodyStarted;
    private boolean sawResponse;
    private boolean skipInterim;
    private boolean upgrading;
    private boolean done;

    HttpExchange(ProxiedRequest call, HttpOrigin.Target target, OriginConnectionPool pool,
                 OriginConnectionPool.Lease lease, Runnable retry) {
        this.call = call;
        this.target = target;
        this.pool = pool;
        this.lease = lease;
        this.retry = retry;
        this.channel = lease.channel();
    }

    /** Writes the request and starts reading the response. Event-loop only. */
    void start() {
        if (lease.stream()) {
            channel.pipeline().addLast("h2-to-http", new Http2StreamFrameToHttpObjectCodec(false));
        }
        channel.pipeline().addLast("exchange", this);
        HttpMethod method = HttpMethod.valueOf(call.request().method());
        if (target.hasBody()) {
            channel.write(new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, target.uri(), target.headers().copy()));
        } else {
            channel.write(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, target.uri(),
                    Unpooled.EMPTY_BUFFER, target.headers().copy(), new DefaultHttpHeaders()));
        }
        channel.flush();
        channel.read();
        if (target.hasBody()) {
            if (target.headers().contains(HttpHeaderNames.EXPECT, HttpHeaderValues.CONTINUE, true)) {
                continueTimer = channel.eventLoop().schedule(this::startBody, CONTINUE_TIMEOUT_MS,
                        TimeUnit.MILLISECONDS);
            } else {
                startBody();
            }
        }
    }

    private void startBody() {
        if (bodyStarted || done) {
            return;
        }
        bodyStarted = true;
        ChannelBodySink sink = ChannelBodySink.install(channel, "request-body", ChannelBodySink.Framing.HTTP);
        requestPump = new BodyPump(call.request().body(), sink, channel.eventLoop()).start();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        sawResponse = true;
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse response) {
            onHead(response);
        }
        if (msg instanceof HttpContent content) {
            onContent(content);
        } else if (!(msg instanceof HttpResponse)) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpResponse response) {
        int status = response.status().code();
        if (status == 100 || (status > 101 && status < 200)) {
            skipInterim = true;
            if (status == 100 && continueTimer != null) {
                continueTimer.cancel(false);
                startBody();
            }
            return;
        }
        finalResponse = response;
        if (status == 101 && target.websocket()) {
            upgrading = true;
            return;
        }
        HttpHeaders headers = OriginHeaders.response(response.headers(), status);
        BodySource body = this;
        if (gunzips(response)) {
            headers.remove(HttpHeaderNames.CONTENT_ENCODING);
            headers.remove(HttpHeaderNames.CONTENT_LENGTH);
            body = new GunzipSource(this, channel.alloc());
        }
        BodySink sink = call.respond(new ResponseHead(status, headers, ResponseHead.Source.ORIGIN));
        new BodyPump(body, sink, channel.eventLoop()).start();
    }

    // Go's persistConn.readLoop wraps the body in its gzipReader when it added the Accept-Encoding itself, the
    // response has a body (not to HEAD, Content-Length not 0, which also rules out 204 and 304) and its first
    // Content-Encoding is "gzip".
    private boolean gunzips(HttpResponse response) {
        int status = response.status().code();
        String encoding = response.headers().get(HttpHeaderNames.CONTENT_ENCODING);
        return target.askedForGzip() && status >= 200 && status != 204 && status != 304
                && HttpUtil.getContentLength(response, -1L) != 0
                && HttpHeaderValues.GZIP.contentEqualsIgnoreCase(encoding);
    }

    private void onContent(HttpContent content) {
        if (skipInterim || upgrading) {
            content.release();
            if (content instanceof LastHttpContent) {
                if (upgrading) {
                    upgrade();
                }
                skipInterim = false;
            }
            return;
        }
        if (responseReceiver == null) {
            content.release();
            return;
        }
        if (content.content().isReadable()) {
            responseReceiver.onChunk(content.content());
        } else {
            content.release();
        }
        if (content instanceof LastHttpContent last) {
            HttpHeaders trailers = last.trailingHeaders();
            BodyReceiver receiver = responseReceiver;
            complete();
            receiver.onEnd(trailers);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (done) {
            return;
        }
        if (responseReceiver != null) {
            responseReceiver.onReadComplete();
        } else {
            // Still waiting for the response head: keep reading (the pump takes over once it is here).
            ctx.read();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(new PrematureChannelClosureException("origin closed the connection before the response ended"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
    }

    @Override
    public void subscribe(BodyReceiver receiver) {
        this.responseReceiver = receiver;
    }

    @Override
    public void request() {
        if (!done) {
            channel.read();
        }
    }

    /** The responder went away: drop the origin connection, it is mid-response. */
    @Override
    public void abort(Throwable cause) {
        if (done) {
            return;
        }
        done = true;
        cancelContinue();
        if (requestPump != null) {
            requestPump.abort(cause);
        }
        detach();
        channel.close();
    }

    private void complete() {
        done = true;
        cancelContinue();
        boolean reusable = !lease.stream() && channel.isActive() && HttpUtil.isKeepAlive(finalResponse)
                && target.framing() != HttpOrigin.Framing.UNFRAMED;
        if (target.websocket()) {
            call.request().body().abort(new IllegalStateException("the origin refused the websocket"));
        } else if (!bodyStarted && target.hasBody()) {
            call.request().body().abort(new IllegalStateException("the origin answered without reading the body"));
            reusable = false;
        } else if (requestPump != null && !requestPump.isFinished()) {
            requestPump.abort(new IllegalStateException("the origin answered before the body ended"));
            reusable = false;
        }
        detach();
        if (lease.stream()) {
            channel.close();
        } else {
            pool.release(channel, reusable);
        }
    }

    private void fail(Throwable cause) {
        if (done) {
            return;
        }
        done = true;
        cancelContinue();
        detach();
        channel.close();
        if (requestPump != null) {
            requestPump.abort(cause);
        }
        if (!sawResponse && lease.reused() && !bodyStarted && retry != null) {
            retry.run();
        } else if (responseReceiver != null) {
            responseReceiver.onError(cause);
        } else {
            call.fail(new OriginUnreachableException(cause));
        }
    }

    /** The origin accepted the websocket: the connection now carries raw bytes both ways. */
    private void upgrade() {
        done = true;
        cancelContinue();
        BodySink toEyeball = call.respond(new ResponseHead(101,
                OriginHeaders.response(finalResponse.headers(), 101), ResponseHead.Source.ORIGIN));
        ChannelBodySource fromOrigin = ChannelBodySource.install(channel, "ws-from-origin");
        ChannelBodySink toOrigin = ChannelBodySink.install(channel, "ws-to-origin", ChannelBodySink.Framing.RAW);
        channel.pipeline().remove(this);
        // Removing the codec hands any bytes it already buffered to the source installed above.
        channel.pipeline().remove(OriginConnector.HTTP1_CODEC);
        StreamRelay.start(channel, call.request().body(), toOrigin, fromOrigin, toEyeball);
    }

    private void cancelContinue() {
        if (continueTimer != null) {
            continueTimer.cancel(false);
        }
    }

    private void detach() {
        if (channel.pipeline().context(this) != null) {
            channel.pipeline().remove(this);
        }
    }
}
