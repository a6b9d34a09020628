package dev.jflared.embed;

import dev.jflared.proxy.BodyReceiver;
import dev.jflared.proxy.BodySink;
import dev.jflared.proxy.ResponseHead;
import dev.jflared.proxy.TunnelRequest;
import dev.jflared.proxy.TunnelResponder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One tunnel request carried over an in-VM channel pair to the user's pipeline: this handler sits last in the
 * client channel (after an {@link HttpClientCodec}); the tunnel side runs on the request's event loop, the channel
 * side on the origin's local loop, and every crossing goes through {@code execute}.
 *
 * <h2>Flow control</h2>
 * Request body: the tunnel source is asked for more only while the bytes scheduled for, and written into, the
 * channel pair and not yet read by the user's pipeline stay under the window ({@link FlowWindow}); the user's
 * pipeline reading (auto-read, or its own {@code read()}) makes room. Response body: the client channel reads with
 * auto-read off, only while fewer than a window of bytes wait for the tunnel stream, which takes them only while
 * writable; the user's channel turns unwritable when a window of its output is unread.
 *
 * <h2>Websockets</h2>
 * A websocket request is presented with {@code Upgrade: websocket} and {@code Connection: Upgrade}; on the 101 the
 * HTTP codec is removed from the client channel and raw bytes flow both ways.
 *
 * <h2>Ownership</h2>
 * Body chunks move from the source into the channel, and from the channel to the tunnel sink; what is queued when
 * either side closes is released.
 */
final class NettyExchange extends ChannelInboundHandlerAdapter implements BodyReceiver, BodySink.Listener {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade", "te", "trailer");
    private static final Object END = new Object();

    private final TunnelRequest request;
    private final TunnelResponder responder;
    private final EventLoop tunnelLoop;
    private final long window;
    final FlowWindow requestWindow;
    final FlowWindow responseWindow;
    private final AtomicLong scheduled = new AtomicLong();
    private final AtomicLong towardTunnel = new AtomicLong();
    private volatile Channel client;
    private volatile boolean sourcePaused;
    private final AtomicBoolean readPaused = new AtomicBoolean();

    // Tunnel-loop only.
    private BodySink sink;
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private HttpHeaders endTrailers = EmptyHttpHeaders.INSTANCE;
    private boolean answered;
    private boolean tunnelDone;
    private boolean sourceDone;

    // Channel-loop only.
    private boolean upgraded;
    private boolean responseEnded;
    private boolean requestEnded;

    NettyExchange(TunnelRequest request, TunnelResponder responder, long window) {
        this.request = request;
        this.responder = responder;
        this.tunnelLoop = request.eventLoop();
        this.window = window;
        this.requestWindow = new FlowWindow(window);
        this.responseWindow = new FlowWindow(window);
        requestWindow.onRoom(() -> tunnelLoop.execute(this::resumeSource));
    }

    boolean websocket() {
        return request.kind() == TunnelRequest.Kind.WEBSOCKET;
    }

    /** The client channel is connected: send the request head and start the body. Channel-loop only. */
    void connected(Channel channel) {
        this.client = channel;
        channel.writeAndFlush(head(), channel.voidPromise());
        channel.read();
        tunnelLoop.execute(() -> {
            request.body().subscribe(this);
            request.body().request();
        });
    }

    /** The client channel could not connect. */
    void connectFailed(Throwable cause) {
        tunnelLoop.execute(() -> {
            sourceDone = true;
            request.body().abort(cause);
            if (!answered) {
                answered = true;
                tunnelDone = true;
                responder.fail(cause);
            }
        });
    }

    private DefaultHttpRequest head() {
        HttpHeaders headers = new DefaultHttpHeaders();
        if (!request.host().isEmpty()) {
            headers.set(HttpHeaderNames.HOST, request.host());
        }
        headers.add(request.headers());
        if (websocket()) {
            headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method()),
                request.pathAndQuery(), headers);
    }

    // ---- request body: tunnel loop -> channel loop

    @Override
    public void onChunk(ByteBuf chunk) {
        Channel channel = client;
        int size = chunk.readableBytes();
        scheduled.addAndGet(size);
        channel.eventLoop().execute(() -> {
            scheduled.addAndGet(-size);
            if (!channel.isActive()) {
                chunk.release();
                return;
            }
            channel.write(upgraded ? chunk : new DefaultHttpContent(chunk), channel.voidPromise());
        });
    }

    @Override
    public void onReadComplete() {
        Channel channel = client;
        channel.eventLoop().execute(channel::flush);
        if (scheduled.get() + requestWindow.pending() <= window) {
            request.body().request();
        } else {
            // Reading pauses here; FlowWindow's onRoom resumes it when the user's pipeline has read enough.
            sourcePaused = true;
            requestWindow.block();
        }
    }

    private void resumeSource() {
        if (sourcePaused && !sourceDone) {
            sourcePaused = false;
            request.body().request();
        }
    }

    @Override
    public void onEnd(HttpHeaders trailers) {
        sourceDone = true;
        Channel channel = client;
        channel.eventLoop().execute(() -> {
            requestEnded = true;
            if (!upgraded && !websocket()) {
                channel.writeAndFlush(trailers.isEmpty() ? LastHttpContent.EMPTY_LAST_CONTENT
                        : new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers), channel.voidPromise());
            } else if (upgraded) {
                channel.flush();
                channel.close();
            } else {
                channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, channel.voidPromise());
            }
            closeWhenDone(channel);
        });
    }

    @Override
    public void onError(Throwable cause) {
        sourceDone = true;
        Channel channel = client;
        channel.eventLoop().execute(channel::close);
    }

    // ---- response: channel loop -> tunnel loop

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpResponse response) {
            int status = response.status().code();
            if (status == 101 && websocket()) {
                upgraded = true;
                ctx.pipeline().remove(HttpClientCodec.class);
            } else if (status >= 100 && status < 200) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ResponseHead head = new ResponseHead(status, forwardable(response.headers()), ResponseHead.Source.ORIGIN);
            tunnelLoop.execute(() -> respond(head));
        }
        if (upgraded && msg instanceof HttpContent content) {
            // The empty content the decoder ends a 101 with; the bytes after it come raw.
            content.release();
            return;
        }
        if (msg instanceof HttpContent content) {
            boolean last = content instanceof LastHttpContent;
            HttpHeaders trailers = last ? ((LastHttpContent) content).trailingHeaders() : EmptyHttpHeaders.INSTANCE;
            toTunnel(content.content());
            if (last) {
                responseEnded = true;
                HttpHeaders copy = trailers.isEmpty() ? EmptyHttpHeaders.INSTANCE
                        : new DefaultHttpHeaders().add(trailers);
                tunnelLoop.execute(() -> enqueueEnd(copy));
                closeWhenDone(ctx.channel());
            }
        } else if (msg instanceof ByteBuf buf) {
            toTunnel(buf);
        } else if (!(msg instanceof HttpResponse)) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void toTunnel(ByteBuf chunk) {
        if (!chunk.isReadable()) {
            chunk.release();
            return;
        }
        towardTunnel.addAndGet(chunk.readableBytes());
        tunnelLoop.execute(() -> enqueue(chunk));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (towardTunnel.get() <= window) {
            ctx.channel().read();
        } else {
            // Reading pauses here; drain() resumes it when the tunnel stream has taken enough. The tunnel side may
            // have drained between the check and the flag: look again.
            readPaused.set(true);
            if (towardTunnel.get() <= window / 2 && readPaused.compareAndSet(true, false)) {
                ctx.channel().read();
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        boolean cleanEnd = responseEnded || upgraded;
        tunnelLoop.execute(() -> {
            if (!sourceDone) {
                sourceDone = true;
                request.body().abort(new ClosedChannelException());
            }
            if (!answered) {
                answered = true;
                tunnelDone = true;
                responder.fail(new IllegalStateException("the Netty origin closed the channel without answering"));
            } else if (cleanEnd) {
                enqueueEnd(EmptyHttpHeaders.INSTANCE);
            } else {
                abortTunnel(new ClosedChannelException());
            }
        });
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void closeWhenDone(Channel channel) {
        if (responseEnded && requestEnded && !upgraded) {
            channel.close();
        }
    }

    // ---- tunnel loop

    private void respond(ResponseHead head) {
        if (answered) {
            return;
        }
        answered = true;
        sink = responder.respond(head);
        sink.listener(this);
        drain();
    }

    private void enqueue(ByteBuf chunk) {
        if (tunnelDone) {
            towardTunnel.addAndGet(-chunk.readableBytes());
            chunk.release();
            return;
        }
        queue.add(chunk);
        drain();
    }

    private void enqueueEnd(HttpHeaders trailers) {
        if (tunnelDone || queue.contains(END)) {
            return;
        }
        endTrailers = trailers;
        queue.add(END);
        drain();
    }

    private void drain() {
        if (sink == null || tunnelDone) {
            return;
        }
        boolean wrote = false;
        while (!queue.isEmpty() && sink.isWritable()) {
            Object next = queue.poll();
            if (next == END) {
                tunnelDone = true;
                sink.end(endTrailers);
                releaseQueue();
                return;
            }
            ByteBuf chunk = (ByteBuf) next;
            towardTunnel.addAndGet(-chunk.readableBytes());
            sink.write(chunk);
            wrote = true;
        }
        if (wrote) {
            sink.flush();
        }
        Channel channel = client;
        if (channel != null && towardTunnel.get() <= window / 2 && readPaused.compareAndSet(true, false)) {
            channel.eventLoop().execute(channel::read);
        }
    }

    private void abortTunnel(Throwable cause) {
        if (tunnelDone) {
            return;
        }
        tunnelDone = true;
        releaseQueue();
        if (sink != null) {
            sink.abort(cause);
        }
    }

    private void releaseQueue() {
        Object next;
        while ((next = queue.poll()) != null) {
            if (next instanceof ByteBuf chunk) {
                towardTunnel.addAndGet(-chunk.readableBytes());
                chunk.release();
            }
        }
    }

    @Override
    public void onWritable() {
        drain();
    }

    @Override
    public void onClosed(Throwable cause) {
        tunnelDone = true;
        releaseQueue();
        if (!sourceDone) {
            sourceDone = true;
            request.body().abort(cause);
        }
        Channel channel = client;
        if (channel != null) {
            channel.close();
        }
    }

    private static HttpHeaders forwardable(HttpHeaders headers) {
        HttpHeaders out = new DefaultHttpHeaders();
        for (var header : headers) {
            if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                out.add(header.getKey(), header.getValue());
            }
        }
        return out;
    }
}
