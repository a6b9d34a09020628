package dev.jflared.proxy.bench;

import dev.jflared.ingress.Ingress;
import dev.jflared.ingress.IngressRule;
import dev.jflared.ingress.OriginRequestConfig;
import dev.jflared.ingress.OriginService;
import dev.jflared.proxy.BodySink;
import dev.jflared.proxy.BodySource;
import dev.jflared.proxy.OriginProxy;
import dev.jflared.proxy.ResponseHead;
import dev.jflared.proxy.TunnelRequest;
import dev.jflared.proxy.TunnelResponder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests per second through {@link OriginProxy} to a local HTTP/1.1 origin: GETs answered with a 13-byte body,
 * {@code concurrency} requests in flight per edge loop, pooled keep-alive origin connections. Not a JUnit test;
 * run it without paranoid leak detection:
 *
 * <pre>{@code
 * mvn -B -ntp -q test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test \
 *     -pl connector-core -am
 * java -Dio.netty.leakDetection.level=disabled \
 *     -cp connector-core/target/test-classes:connector-core/target/classes:$(cat connector-core/cp.txt) \
 *     dev.jflared.proxy.bench.ProxyBench [seconds, default 10] [edgeLoops, default 1] [concurrency, default 32]
 * }</pre>
 */
public final class ProxyBench {

    private static final ByteBuf BODY = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer().writeBytes("Hello, world!".getBytes(StandardCharsets.US_ASCII)));

    private static final LongAdder ACCEPTED = new LongAdder();

    private ProxyBench() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int loops = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        EventLoopGroup originGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup edgeGroup = new MultiThreadIoEventLoopGroup(loops, EpollIoHandler.newFactory());
        Channel origin = startOrigin(originGroup);
        String url = "http://127.0.0.1:" + ((InetSocketAddress) origin.localAddress()).getPort();
        Ingress ingress = new Ingress(List.of(new IngressRule(0, "", Optional.empty(),
                new OriginService.Http(url, URI.create(url)), OriginRequestConfig.DEFAULTS)));
        LongAdder completed = new LongAdder();
        try (OriginProxy proxy = OriginProxy.builder().ingress(() -> ingress).build()) {
            for (int round = 0; round < 2; round++) {
                boolean[] running = {true};
                completed.reset();
                for (int l = 0; l < loops; l++) {
                    EventLoop loop = edgeGroup.next();
                    for (int c = 0; c < concurrency; c++) {
                        loop.execute(() -> issue(proxy, loop, completed, running));
                    }
                }
                long start = System.nanoTime();
                TimeUnit.SECONDS.timedJoin(Thread.currentThread(), round == 0 ? Math.min(3, seconds) : seconds);
                running[0] = false;
                double elapsed = (System.nanoTime() - start) / 1e9;
                String label = round == 0 ? "warm-up" : "measured";
                System.out.printf("%s: %d requests in %.1f s = %.0f requests/s (%d edge loops x %d in flight, "
                        + "%d origin connections so far)%n", label, completed.sum(), elapsed,
                        completed.sum() / elapsed, loops, concurrency, ACCEPTED.sum());
            }
        } finally {
            origin.close().syncUninterruptibly();
            edgeGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
            originGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static void issue(OriginProxy proxy, EventLoop loop, LongAdder completed, boolean[] running) {
        if (!running[0]) {
            return;
        }
        TunnelRequest request = new TunnelRequest(TunnelRequest.Kind.HTTP, "https://bench.example.com/", "GET",
                "bench.example.com", "/", new DefaultHttpHeaders(), "bench", loop, BodySource.empty());
        proxy.proxy(request, new TunnelResponder() {
            @Override
            public BodySink respond(ResponseHead head) {
                return new BodySink() {
                    @Override
                    public boolean isWritable() {
                        return true;
                    }

                    @Override
                    public void write(ByteBuf chunk) {
                        chunk.release();
                    }

                    @Override
                    public void flush() {}

                    @Override
                    public void end(HttpHeaders trailers) {
                        completed.increment();
                        loop.execute(() -> issue(proxy, loop, completed, running));
                    }

                    @Override
                    public void abort(Throwable cause) {
                        loop.execute(() -> issue(proxy, loop, completed, running));
                    }

                    @Override
                    public void listener(Listener listener) {}
                };
            }

            @Override
            public void fail(Throwable cause) {
                loop.execute(() -> issue(proxy, loop, completed, running));
            }
        });
    }

    private static Channel startOrigin(EventLoopGroup group) {
        return new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childOption(io.netty.channel.ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ACCEPTED.increment();
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest r) {
                                        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                HttpResponseStatus.OK, BODY.duplicate());
                                        HttpUtil.setContentLength(response, BODY.readableBytes());
                                        ctx.writeAndFlush(response);
                                    }
                                });
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }
}
