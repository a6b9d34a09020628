package dev.jflared.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one eyeball connection: each request is either an admin request ({@link AdminEndpoints}) or forwarded to
 * the next registered connector connection (round robin) as a new request stream; the connector's answer is
 * streamed back. Requests on a connection are served one after the other (keep-alive).
 *
 * <h2>Flow control</h2>
 * Auto-read is off. The eyeball is read again at once while the request stream is writable, else once it has
 * taken the last piece of body and can take more ({@link RequestStream#whenWritable}); the response direction is
 * gated the same way by
 * {@link Exchange#whenWritable}. After a request is complete nothing is read until its response is.
 *
 * <h2>Websockets</h2>
 * A request with {@code Upgrade: websocket} whose answer is 101 switches the connection to raw bytes: the 101 is
 * written, the HTTP codec removed, and bytes flow both ways until either side ends.
 *
 * <h2>Errors</h2>
 * No registered connection, a stream that cannot be opened, a connector error or a reset before the answer: a 502
 * with the reason as text, then the eyeball connection is closed.
 */
final class EyeballHandler extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(EyeballHandler.class);
    private static final int MAX_ADMIN_BODY = 1 << 20;
    /** Response headers the edge does not pass on: hop-by-hop, or its own framing. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade", "te", "trailer");

    private final EdgeState state;
    private final AdminEndpoints admin;
    private ChannelHandlerContext ctx;
    /** Event-loop confined. */
    private Exchange exchange;
    private AdminRequest adminRequest;
    private Runnable whenWritable;

    EyeballHandler(EdgeState state, AdminEndpoints admin) {
        this.state = state;
        this.admin = admin;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            onRequest(request);
        }
        if (msg instanceof HttpContent content) {
            if (adminRequest != null) {
                adminRequest.append(content);
            } else if (exchange != null) {
                exchange.requestContent(content);
            } else {
                content.release();
            }
        } else if (msg instanceof ByteBuf raw) {
            if (exchange != null) {
                exchange.requestBytes(raw);
            } else {
                raw.release();
            }
        } else if (!(msg instanceof HttpRequest)) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            answer(HttpResponseStatus.BAD_REQUEST, "text/plain; charset=utf-8",
                    "LocalEdge: malformed request: " + request.decoderResult().cause().getMessage(), true);
            return;
        }
        if (exchange != null || adminRequest != null) {
            answer(HttpResponseStatus.BAD_REQUEST, "text/plain; charset=utf-8",
                    "LocalEdge: a request arrived before the previous one was answered", true);
            return;
        }
        if (request.uri().startsWith(AdminEndpoints.PREFIX)) {
            adminRequest = new AdminRequest(request);
            return;
        }
        Optional<Map.Entry<EdgeSession, ConnectionInfo>> route = state.nextRoute();
        if (route.isEmpty()) {
            answer(HttpResponseStatus.BAD_GATEWAY, "text/plain; charset=utf-8",
                    "LocalEdge: no connector connection is registered for this tunnel\n", true);
            return;
        }
        EdgeRequest edgeRequest = EyeballRequests.toEdgeRequest(request,
                (InetSocketAddress) ctx.channel().remoteAddress(), (InetSocketAddress) ctx.channel().localAddress(),
                state.location());
        Exchange started = new Exchange(edgeRequest, HttpUtil.isKeepAlive(request),
                request.method().equals(HttpMethod.HEAD));
        exchange = started;
        route.get().getKey().openRequestStream(started)
                .addListener(f -> ctx.executor().execute(() -> started.streamOpened(castStream(f))));
    }

    @SuppressWarnings("unchecked")
    private static Future<RequestStream> castStream(Future<?> future) {
        return (Future<RequestStream>) future;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (adminRequest != null && !adminRequest.complete) {
            ctx.read();
        } else if (exchange != null) {
            exchange.readCompleted();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && whenWritable != null) {
            Runnable task = whenWritable;
            whenWritable = null;
            task.run();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.eyeballGone();
        }
        if (adminRequest != null) {
            adminRequest.release();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("{} eyeball connection failed", ctx.channel(), cause);
        ctx.close();
    }

    /**
     * Runs {@code task} on the eyeball's loop: at once when already there, else queued. Either way it runs after
     * every write the calling thread issued before, which is what keeps a response head ahead of its body when the
     * request stream happens to share the eyeball's loop.
     */
    private void onLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }

    /** Answers the current request with a complete response; closes the connection or reads the next request. */
    private void answer(HttpResponseStatus status, String contentType, String body, boolean close) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpUtil.setContentLength(response, response.content().readableBytes());
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response);
            ctx.read();
        }
    }

    /** An admin request while its body arrives. */
    private final class AdminRequest {
        private final HttpRequest request;
        private final StringBuilder body = new StringBuilder();
        private int bodyBytes;
        private boolean complete;

        AdminRequest(HttpRequest request) {
            this.request = request;
        }

        void append(HttpContent content) {
            try {
                bodyBytes += content.content().readableBytes();
                if (bodyBytes > MAX_ADMIN_BODY) {
                    complete = true;
                    adminRequest = null;
                    answer(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "text/plain; charset=utf-8",
                            "LocalEdge: admin request bodies are limited to " + MAX_ADMIN_BODY + " bytes", true);
                    return;
                }
                body.append(content.content().toString(StandardCharsets.UTF_8));
            } finally {
                content.release();
            }
            if (content instanceof LastHttpContent) {
                complete = true;
                boolean keepAlive = HttpUtil.isKeepAlive(request);
                admin.handle(request.method(), request.uri(), body.toString())
                        .whenComplete((answer, error) -> ctx.executor().execute(() -> {
                            adminRequest = null;
                            if (error != null) {
                                answer(HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8",
                                        "LocalEdge: " + error, true);
                            } else {
                                answer(answer.status(), "application/json", answer.json(), !keepAlive);
                            }
                        }));
            }
        }

        void release() {
            body.setLength(0);
        }
    }

    /** One proxied request: the eyeball's side of it. */
    private final class Exchange implements EyeballExchange {
        private final EdgeRequest request;
        private final boolean keepAlive;
        private final boolean head;
        /** Decided on the stream's loop when the answer arrives, read there for every body piece. */
        private volatile boolean switching;
        private volatile boolean bodyAllowed = true;
        // Event-loop confined from here on.
        private RequestStream stream;
        private final Queue<HttpContent> pending = new ArrayDeque<>();
        private ChannelFuture lastRequestWrite;
        private boolean requestDone;
        private boolean headSent;
        private boolean raw;
        private boolean finished;

        Exchange(EdgeRequest request, boolean keepAlive, boolean head) {
            this.request = request;
            this.keepAlive = keepAlive;
            this.head = head;
        }

        @Override
        public EdgeRequest request() {
            return request;
        }

        void streamOpened(Future<RequestStream> opened) {
            if (!opened.isSuccess()) {
                fail("LocalEdge: cannot open a stream to the connector: " + opened.cause());
                return;
            }
            stream = opened.getNow();
            if (finished) {
                stream.abort();
                return;
            }
            while (!pending.isEmpty()) {
                forward(pending.poll());
            }
            readCompleted();
        }

        void requestContent(HttpContent content) {
            if (stream == null) {
                pending.add(content);
                requestDone |= content instanceof LastHttpContent;
            } else if (finished) {
                content.release();
            } else {
                forward(content);
            }
        }

        private void forward(HttpContent content) {
            ByteBuf data = content.content();
            if (data.isReadable()) {
                lastRequestWrite = stream.writeBody(data.retain());
            }
            content.release();
            if (content instanceof LastHttpContent) {
                requestDone = true;
                if (!request.websocket()) {
                    stream.endBody();
                }
            }
        }

        /** Raw bytes after a websocket switch. Takes ownership of {@code bytes}. */
        void requestBytes(ByteBuf bytes) {
            if (finished) {
                bytes.release();
            } else if (stream == null) {
                // The connector's 101 can reach this loop before the stream-opened notification does (both come
                // from the stream's loop), so the first frames wait with the request; at most one read's worth, as
                // readCompleted reads no more until the stream is known.
                pending.add(new DefaultHttpContent(bytes));
            } else {
                lastRequestWrite = stream.writeBody(bytes);
            }
        }

        /** A batch of eyeball reads is done: read more once the stream can take it. */
        void readCompleted() {
            if (stream == null || finished || (requestDone && !raw)) {
                return;
            }
            if (lastRequestWrite == null || stream.isWritable()) {
                ctx.read();
            } else {
                // Reading resumes once the stream has taken the last piece and can take more.
                stream.whenWritable(lastRequestWrite, ctx.channel()::read);
            }
            lastRequestWrite = null;
        }

        @Override
        public void respond(EdgeResponse response) {
            int status = response.status();
            switching = response.error().isEmpty() && status == 101 && request.websocket();
            bodyAllowed = !head && status >= 200 && status != 204 && status != 304;
            onLoop(() -> sendHead(response));
        }

        private void sendHead(EdgeResponse response) {
            if (finished) {
                return;
            }
            if (!response.error().isEmpty()) {
                fail("LocalEdge: the connector could not serve the request: " + response.error() + "\n");
                return;
            }
            HttpResponseStatus status = HttpResponseStatus.valueOf(response.status());
            HttpResponse answer = switching
                    ? new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status)
                    : new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
            for (Map.Entry<String, String> header : response.headers()) {
                if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                    answer.headers().add(header.getKey(), header.getValue());
                }
            }
            headSent = true;
            if (switching) {
                answer.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
                answer.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
                // Written synchronously through the codec, which is removed right after: raw bytes from here on.
                ctx.writeAndFlush(answer);
                ctx.pipeline().remove(EyeballServer.HTTP_CODEC);
                raw = true;
                ctx.read();
                return;
            }
            if (bodyAllowed && !answer.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
                HttpUtil.setTransferEncodingChunked(answer, true);
            }
            if (!keepAlive || !requestDone) {
                answer.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            ctx.writeAndFlush(answer);
        }

        @Override
        public ChannelFuture writeBody(ByteBuf chunk) {
            if (switching) {
                return ctx.channel().writeAndFlush(chunk);
            }
            if (!bodyAllowed) {
                chunk.release();
                return ctx.channel().newSucceededFuture();
            }
            ChannelFuture write = ctx.channel().writeAndFlush(new DefaultHttpContent(chunk));
            write.addListener(f -> {
                if (!f.isSuccess()) {
                    logger.debug("{} response body write failed", ctx.channel(), f.cause());
                }
            });
            return write;
        }

        @Override
        public boolean isWritable() {
            return ctx.channel().isWritable();
        }

        @Override
        public void whenWritable(ChannelFuture lastWrite, Runnable task) {
            lastWrite.addListener(f -> {
                if (!ctx.channel().isActive()) {
                    return;
                }
                if (ctx.channel().isWritable()) {
                    task.run();
                } else {
                    whenWritable = task;
                }
            });
        }

        @Override
        public void end(List<Map.Entry<String, String>> trailers) {
            if (!trailers.isEmpty()) {
                state.trailers(request, trailers);
            }
            onLoop(() -> {
                if (finished) {
                    return;
                }
                finished = true;
                exchange = null;
                if (raw) {
                    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                ChannelFuture done = ctx.writeAndFlush(lastContent(trailers));
                if (keepAlive && requestDone) {
                    ctx.read();
                } else {
                    // The answer can come before the stream-opened listener has run (an in-process origin answers
                    // at once); streamOpened aborts the stream then.
                    if (stream != null) {
                        stream.abort();
                    }
                    releasePending();
                    done.addListener(ChannelFutureListener.CLOSE);
                }
            });
        }

        private LastHttpContent lastContent(List<Map.Entry<String, String>> trailers) {
            if (trailers.isEmpty()) {
                return LastHttpContent.EMPTY_LAST_CONTENT;
            }
            LastHttpContent last = new DefaultLastHttpContent();
            for (Map.Entry<String, String> trailer : trailers) {
                last.trailingHeaders().add(trailer.getKey(), trailer.getValue());
            }
            return last;
        }

        @Override
        public void fail(String reason) {
            onLoop(() -> {
                if (finished) {
                    return;
                }
                finished = true;
                exchange = null;
                releasePending();
                if (stream != null) {
                    stream.abort();
                }
                if (headSent) {
                    ctx.close();
                } else {
                    answer(HttpResponseStatus.BAD_GATEWAY, "text/plain; charset=utf-8", reason, true);
                }
            });
        }

        void eyeballGone() {
            finished = true;
            exchange = null;
            releasePending();
            if (stream != null) {
                stream.abort();
            }
        }

        private void releasePending() {
            while (!pending.isEmpty()) {
                pending.poll().release();
            }
        }
    }
}
