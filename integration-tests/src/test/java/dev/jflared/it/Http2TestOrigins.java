package dev.jflared.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The origins behind the HTTP/2 end-to-end tests, all on loopback port 0: an HTTP/1.1 server (JDK), a websocket
 * echo server and an h2c "gRPC" server (Netty). Close it to stop them all.
 */
final class Http2TestOrigins implements AutoCloseable {

    static final int LARGE = 10 << 20;
    static final long LARGE_SEED = 42;

    private final ExecutorService httpThreads = Executors.newCachedThreadPool();
    private final HttpServer http;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel websocket;
    private final Channel grpc;

    Http2TestOrigins() throws IOException, InterruptedException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.setExecutor(httpThreads);
        http.createContext("/hello", exchange -> {
            drain(exchange);
            answer(exchange, 200, "hello over h2");
        });
        http.createContext("/echo", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("X-Echoed", String.valueOf(body.length));
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.createContext("/download", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(largeBody());
            }
        });
        http.createContext("/upload", exchange -> {
            long count;
            String digest;

            try (DigestInputStream in = new DigestInputStream(exchange.getRequestBody(), sha256())) {
                count = in.transferTo(OutputStream.nullOutputStream());
                digest = HexFormat.of().formatHex(in.getMessageDigest().digest());
            }
            answer(exchange, 200, count + " " + digest);
        });
        http.createContext("/", exchange -> {
            drain(exchange);
            answer(exchange, 200, "default origin");
        });
        http.start();
        websocket = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
                                new WebSocketServerProtocolHandler("/ws"), new WebSocketEcho());
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        grpc = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                                    @Override
                                    protected void initChannel(Channel stream) {
                                        stream.pipeline().addLast(new GrpcEcho());
                                    }
                                }));
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    }

    String httpUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    String websocketUrl() {
        return "http://127.0.0.1:" + ((InetSocketAddress) websocket.localAddress()).getPort();
    }

    String grpcUrl() {
        return "http://127.0.0.1:" + ((InetSocketAddress) grpc.localAddress()).getPort();
    }

    /** The 10 MiB body of {@code /download}: the same pseudo-random bytes every time. */
    static byte[] largeBody() {
        byte[] body = new byte[LARGE];
        new Random(LARGE_SEED).nextBytes(body);
        return body;
    }

    /** Answers {@code text}; the request body must have been read (or be empty). */
    private static void answer(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        exchange.getResponseHeaders().add("X-Origin", "jdk");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void drain(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        http.stop(0);
        httpThreads.shutdownNow();
        websocket.close().syncUninterruptibly();
        grpc.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Answers each text frame with {@code echo: <text>}. */
    private static final class WebSocketEcho extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            ctx.writeAndFlush(new TextWebSocketFrame("echo: " + frame.text()));
        }
    }

    /**
     * A unary gRPC-style call over h2c: collects the request message, then answers HEADERS ({@code 200},
     * {@code content-type: application/grpc}), the message back as DATA, and trailers {@code grpc-status: 0}.
     */
    private static final class GrpcEcho extends ChannelInboundHandlerAdapter {

        private final ByteArrayOutputStream request = new ByteArrayOutputStream();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                boolean end = false;
                if (msg instanceof Http2HeadersFrame headers) {
                    end = headers.isEndStream();
                } else if (msg instanceof Http2DataFrame data) {
                    byte[] bytes = new byte[data.content().readableBytes()];
                    data.content().readBytes(bytes);
                    request.writeBytes(bytes);
                    end = data.isEndStream();
                }
                if (end) {
                    ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                            .add("content-type", "application/grpc")));
                    ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(request.toByteArray())));
                    ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers()
                            .add("grpc-status", "0").add("grpc-message", "OK"), true));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
