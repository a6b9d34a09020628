package dev.jflared.http2;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Real loopback origins for the end-to-end tests; each is an {@link AutoCloseable} server on port 0. */
final class TestOrigins {

    private TestOrigins() {}

    /**
     * An HTTP/1.1 origin: {@code GET /hello} answers {@code hello}; {@code POST /echo} streams the body back as it
     * comes (chunked); {@code GET /big?n} sends {@code n} bytes of a fixed pattern; {@code GET /slow} answers only
     * once {@link #releaseSlow()}; {@code /ws} is a websocket that echoes text frames.
     */
    static final class Http1 implements AutoCloseable {

        final Channel server;
        final CompletableFuture<Void> slowReleased = new CompletableFuture<>();
        final CompletableFuture<Void> slowArrived = new CompletableFuture<>();
        final ConcurrentLinkedQueue<HttpRequest> requests = new ConcurrentLinkedQueue<>();

        Http1(EventLoopGroup group) throws InterruptedException {
            server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec())
                                    .addLast(new WebSocketServerProtocolHandler("/ws"))
                                    .addLast(new WebSocketEcho())
                                    .addLast(new Routes());
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
        }

        String url() {
            return "http://127.0.0.1:" + ((java.net.InetSocketAddress) server.localAddress()).getPort();
        }

        void releaseSlow() {
            slowReleased.complete(null);
        }

        @Override
        public void close() {
            server.close().syncUninterruptibly();
        }

        private final class Routes extends SimpleChannelInboundHandler<HttpObject> {
            private boolean echoing;

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                if (msg instanceof HttpRequest request) {
                    requests.add(request);
                    route(ctx, request);
                }
                if (msg instanceof HttpContent content && echoing) {
                    boolean last = content instanceof LastHttpContent;
                    if (content.content().isReadable()) {
                        ctx.write(new DefaultHttpContent(content.content().retain()));
                    }
                    if (last) {
                        echoing = false;
                        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                    } else {
                        ctx.flush();
                    }
                }
            }

            private void route(ChannelHandlerContext ctx, HttpRequest request) {
                String uri = request.uri();
                if (uri.equals("/echo")) {
                    echoing = true;
                    DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
                            .set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
                    ctx.writeAndFlush(head);
                } else if (uri.startsWith("/big?")) {
                    int size = Integer.parseInt(uri.substring("/big?".length()));
                    ctx.writeAndFlush(full(HttpResponseStatus.OK, Unpooled.wrappedBuffer(pattern(size))));
                } else if (uri.equals("/slow")) {
                    slowArrived.complete(null);
                    slowReleased.thenRun(() -> ctx.channel().eventLoop().execute(() ->
                            ctx.writeAndFlush(full(HttpResponseStatus.OK, Unpooled.copiedBuffer("slow done", UTF_8)))));
                } else {
                    DefaultFullHttpResponse response = full(HttpResponseStatus.OK,
                            Unpooled.copiedBuffer("hello", UTF_8));
                    response.headers().set("X-Origin", "http1").add("Set-Cookie", "a=1").add("Set-Cookie", "b=2");
                    ctx.writeAndFlush(response);
                }
            }
        }
    }

    /** Echoes every text frame of the websocket at {@code /ws}. */
    private static final class WebSocketEcho extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        WebSocketEcho() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            ctx.writeAndFlush(frame);
        }
    }

    /**
     * An h2c (prior knowledge) origin answering like a gRPC server: {@code 200} with {@code content-type:
     * application/grpc}, the request body echoed, then trailers {@code grpc-status: 0}, {@code grpc-message: ok}.
     */
    static final class Grpc implements AutoCloseable {

        final Channel server;

        Grpc(EventLoopGroup group) throws InterruptedException {
            server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                    new Http2MultiplexHandler(new GrpcStream()));
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
        }

        String url() {
            return "http://127.0.0.1:" + ((java.net.InetSocketAddress) server.localAddress()).getPort();
        }

        @Override
        public void close() {
            server.close().syncUninterruptibly();
        }
    }

    @io.netty.channel.ChannelHandler.Sharable
    private static final class GrpcStream extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame headers) {
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                        .set("content-type", "application/grpc")));
                if (headers.isEndStream()) {
                    trailers(ctx);
                }
            } else if (msg instanceof Http2DataFrame data) {
                boolean end = data.isEndStream();
                ctx.writeAndFlush(new DefaultHttp2DataFrame(data.content().retain()));
                if (end) {
                    trailers(ctx);
                }
            }
            ReferenceCountUtil.release(msg);
        }

        private static void trailers(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers()
                    .set("grpc-status", "0").set("grpc-message", "ok"), true));
        }
    }

    static DefaultFullHttpResponse full(HttpResponseStatus status, ByteBuf body) {
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
        return response;
    }

    /** {@code size} bytes of a pattern that shows misplaced or lost bytes. */
    static byte[] pattern(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 13));
        }
        return bytes;
    }
}
