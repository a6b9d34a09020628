package dev.jflared.it.bench;

import io.netty.bootstrap.ServerBootstrap;
import dev.jflared.Tunnel;
import dev.jflared.embed.JdkHttpHandlerOrigin;
import dev.jflared.embed.NettyHandlerOrigin;
import dev.jflared.ingress.Ingress;
import dev.jflared.ingress.IngressParser;
import dev.jflared.it.TestOrigins;
import dev.jflared.testkit.LocalEdge;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A bench harness, not a test: start-to-ready time of {@link Tunnel} against a {@link LocalEdge}, and the time of
 * sequential GETs through the same edge and tunnel to an in-process origin (raw, JDK handler, Netty pipeline) versus
 * a loopback HTTP origin (a Netty HTTP server with the same handler, TCP_NODELAY). The eyeball is a keep-alive
 * {@code java.net.http} client.
 *
 * <pre>
 * java -cp ... dev.jflared.it.bench.EmbeddingBench [startCycles=20] [requests=3000] [warmup=500]
 * </pre>
 */
public final class EmbeddingBench {

    private EmbeddingBench() {}

    public static void main(String[] args) throws Exception {
        int startCycles = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        try (LocalEdge edge = LocalEdge.builder().build().start()) {
            startToReady(edge, startCycles);
            perRequest(edge, requests, warmup);
        }
    }

    private static void startToReady(LocalEdge edge, int cycles) throws Exception {
        long[] nanos = new long[cycles];
        for (int i = -2; i < cycles; i++) {
            long start = System.nanoTime();
            try (Tunnel tunnel = TestOrigins.tunnelFor(edge).handler(TestOrigins.text("x")).start()) {
                tunnel.awaitReady(Duration.ofSeconds(60));
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - start;
                }
            }
        }
        report("start() to awaitReady", nanos, false);
    }

    private static void perRequest(LocalEdge edge, int requests, int warmup) throws Exception {
        byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
        EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel loopback = new ServerBootstrap().group(serverGroup).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
                                new Hello(body));
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        try (JdkHttpHandlerOrigin jdk = JdkHttpHandlerOrigin.of(TestOrigins.jdkText("hello"));
                NettyHandlerOrigin netty = NettyHandlerOrigin.of(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpObjectAggregator(1 << 16), new Hello(body));
                    }
                });
                Tunnel tunnel = TestOrigins.tunnelFor(edge)
                        .inProcessOrigin("raw", TestOrigins.text("hello"))
                        .inProcessOrigin("jdk", jdk)
                        .inProcessOrigin("netty", netty)
                        .ingress(Tunnel.singleOrigin("raw"))
                        .start()) {
            tunnel.awaitReady(Duration.ofSeconds(60));
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = edge.eyeballUri("/bench");
            Ingress http = IngressParser.parseJsonRules("{\"ingress\":[{\"service\":\"http://127.0.0.1:"
                    + ((InetSocketAddress) loopback.localAddress()).getPort() + "\"}]}");
            String[] names = {"in-process raw InProcessOrigin", "in-process JdkHttpHandlerOrigin",
                    "in-process NettyHandlerOrigin", "loopback HTTP origin (Netty, same handler)"};
            Ingress[] routes = {Tunnel.singleOrigin("raw"), Tunnel.singleOrigin("jdk"), Tunnel.singleOrigin("netty"),
                    http};
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < routes.length; i++) {
                    tunnel.updateIngress(routes[i]);
                    long[] nanos = run(client, uri, requests, warmup);
                    if (round == 1) {
                        report(names[i], nanos, true);
                    }
                }
            }
        } finally {
            loopback.close().sync();
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static long[] run(HttpClient client, URI uri, int requests, int warmup) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build();
        for (int i = 0; i < warmup; i++) {
            check(client.send(request, HttpResponse.BodyHandlers.ofString()));
        }
        long[] nanos = new long[requests];
        for (int i = 0; i < requests; i++) {
            long start = System.nanoTime();
            check(client.send(request, HttpResponse.BodyHandlers.ofString()));
            nanos[i] = System.nanoTime() - start;
        }
        return nanos;
    }

    private static void check(HttpResponse<String> response) {
        if (response.statusCode() != 200 || !response.body().equals("hello")) {
            throw new IllegalStateException("unexpected answer " + response.statusCode() + " " + response.body());
        }
    }

    private static void report(String what, long[] nanos, boolean rate) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2] / 1e6;
        double p99 = sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)] / 1e6;
        long total = Arrays.stream(nanos).sum();
        String line = String.format(Locale.ROOT, "%-40s n=%d median=%.3f ms p99=%.3f ms", what, nanos.length,
                median, p99);
        if (rate) {
            line += String.format(Locale.ROOT, " rate=%.0f req/s", nanos.length / (total / 1e9));
        }
        System.out.println(line);
    }

    private static final class Hello extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final byte[] body;

        Hello(byte[] body) {
            this.body = body;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(body));
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            ctx.writeAndFlush(response);
        }
    }
}
