package dev.jflared.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jflared.rpc.framing.CapnpMessage;
import dev.jflared.rpc.message.Message;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.capnproto.AnyPointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A client and a server connection over a real loopback TCP socket. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RpcConnectionLoopbackTest {

    private static final long IFACE = 0x1234_5678_9abc_def0L;
    private static final RawStruct.Factory ONE_INT = RawStruct.factory(1, 0);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final CompletableFuture<RpcConnection> serverSide = new CompletableFuture<>();
    private final CompletableFuture<Void> neverAnswered = new CompletableFuture<>();
    private final AtomicInteger highestCallQuestion = new AtomicInteger(-1);
    private final ExecutorService worker = Executors.newSingleThreadExecutor();
    private Channel serverChannel;
    private RpcConnection client;

    @BeforeEach
    void start() throws InterruptedException {
        CapabilityServer server = CapabilityServer.builder()
                .method(IFACE, 0, call -> {
                    int value = call.params().getAs(ONE_INT).getInt(0);
                    call.results().initAs(ONE_INT).setInt(0, value + 1);
                    return CompletableFuture.completedFuture(null);
                })
                .method(IFACE, 1, call -> CompletableFuture.failedFuture(
                        new RpcException(RpcException.Type.OVERLOADED, "busy, try later")))
                .method(IFACE, 2, call -> {
                    throw new IllegalStateException("boom");
                })
                .method(IFACE, 3, call -> neverAnswered)
                .method(IFACE, 4, call -> CompletableFuture.runAsync(() -> {
                    int value = call.params().getAs(ONE_INT).getInt(0);
                    call.results().initAs(ONE_INT).setInt(0, value * 2);
                }, worker))
                .build();
        serverChannel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        serverSide.complete(RpcConnection.server(ch, server));
                        ch.pipeline().addAfter("capnp-decoder", "spy", new CallQuestionSpy());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(serverChannel.localAddress()).sync().channel();
        client = RpcConnection.client(channel);
    }

    @AfterEach
    void stop() throws InterruptedException {
        client.channel().close().sync();
        serverChannel.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        worker.shutdownNow();
    }

    @Test
    void callReturnsTheServersResults() {
        RemoteCapability capability = client.bootstrap();

        int result = capability.call(IFACE, 0, p -> p.initAs(ONE_INT).setInt(0, 41)).join()
                .getAs(ONE_INT).getInt(0);

        assertThat(result).isEqualTo(42);
    }

    @Test
    void handlerMayAnswerFromAnotherThread() {
        RemoteCapability capability = client.bootstrap();

        int result = capability.call(IFACE, 4, p -> p.initAs(ONE_INT).setInt(0, 21)).join()
                .getAs(ONE_INT).getInt(0);

        assertThat(result).isEqualTo(42);
    }

    @Test
    void failedCallCarriesTheServersTypeAndReason() {
        RemoteCapability capability = client.bootstrap();

        CompletableFuture<AnyPointer.Reader> failed = capability.call(IFACE, 1, p -> p.initAs(ONE_INT));
        CompletableFuture<AnyPointer.Reader> thrown = capability.call(IFACE, 2, p -> p.initAs(ONE_INT));

        assertThatThrownBy(failed::join).cause().isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.type()).isEqualTo(RpcException.Type.OVERLOADED);
            assertThat(e.reason()).isEqualTo("busy, try later");
        });
        assertThatThrownBy(thrown::join).cause().isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.type()).isEqualTo(RpcException.Type.FAILED);
            assertThat(e.reason()).contains("boom");
        });
    }

    @Test
    void unknownMethodIsUnimplementedAndTheConnectionStaysUsable() {
        RemoteCapability capability = client.bootstrap();

        CompletableFuture<AnyPointer.Reader> unknown = capability.call(IFACE, 99, p -> p.initAs(ONE_INT));
        CompletableFuture<AnyPointer.Reader> otherInterface = capability.call(7L, 0, p -> p.initAs(ONE_INT));

        assertThatThrownBy(unknown::join).cause().isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.type()).isEqualTo(RpcException.Type.UNIMPLEMENTED));
        assertThatThrownBy(otherInterface::join).cause().isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.reason()).contains("interface 0x7 method 0"));
        assertThat(capability.call(IFACE, 0, p -> p.initAs(ONE_INT).setInt(0, 1)).join().getAs(ONE_INT).getInt(0))
                .isEqualTo(2);
    }

    @Test
    void callTimesOutAndTheServerSeesTheCancellation() {
        RemoteCapability capability = client.bootstrap();

        CompletableFuture<AnyPointer.Reader> slow =
                capability.call(IFACE, 3, p -> p.initAs(ONE_INT), Duration.ofMillis(200));

        assertThatThrownBy(slow::join).cause().isInstanceOf(RpcTimeoutException.class);
        assertThatThrownBy(neverAnswered::join).isInstanceOf(CancellationException.class);
        assertThat(capability.call(IFACE, 0, p -> p.initAs(ONE_INT).setInt(0, 5)).join().getAs(ONE_INT).getInt(0))
                .isEqualTo(6);
    }

    @Test
    void concurrentCallsFromManyThreadsReuseQuestionIds() throws Exception {
        RemoteCapability capability = client.bootstrap();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            for (int batch = 0; batch < 3; batch++) {
                List<CompletableFuture<Integer>> results = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    int value = i;
                    results.add(CompletableFuture.supplyAsync(() -> capability
                            .call(IFACE, 0, p -> p.initAs(ONE_INT).setInt(0, value)), callers)
                            .thenCompose(f -> f).thenApply(r -> r.getAs(ONE_INT).getInt(0)));
                }

                for (int i = 0; i < results.size(); i++) {
                    assertThat(results.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i + 1);
                }
            }
        } finally {
            callers.shutdownNow();
        }

        // 150 calls, at most 50 outstanding at once, plus the bootstrap question: ids 0..50 suffice.
        assertThat(highestCallQuestion.get()).isBetween(1, 50);
    }

    @Test
    void shutdownFailsOutstandingCallsAndEndsBothSides() {
        RemoteCapability capability = client.bootstrap();
        capability.call(IFACE, 0, p -> p.initAs(ONE_INT)).join();
        CompletableFuture<AnyPointer.Reader> pending = capability.call(IFACE, 3, p -> p.initAs(ONE_INT));

        client.shutdown().join();

        assertThatThrownBy(pending::join).cause().isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.type()).isEqualTo(RpcException.Type.DISCONNECTED));
        serverSide.join().closeFuture().join();
        assertThatThrownBy(neverAnswered::join).isInstanceOf(CancellationException.class);
        assertThatThrownBy(() -> capability.call(IFACE, 0, p -> p.initAs(ONE_INT)).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(RpcException.class);
    }

    @Test
    void losingTheConnectionFailsOutstandingCalls() {
        RemoteCapability capability = client.bootstrap();
        capability.call(IFACE, 0, p -> p.initAs(ONE_INT)).join();
        CompletableFuture<AnyPointer.Reader> pending = capability.call(IFACE, 3, p -> p.initAs(ONE_INT));
        serverSide.join();

        serverSide.join().channel().close();

        assertThatThrownBy(pending::join).cause().isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.type()).isEqualTo(RpcException.Type.DISCONNECTED));
        client.closeFuture().join();
    }

    /** Records the highest question id of the calls the server receives. */
    private final class CallQuestionSpy extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Message.Reader message = ((CapnpMessage) msg).getRoot(Message.factory);
            if (message.which() == Message.Which.CALL) {
                highestCallQuestion.accumulateAndGet(message.call().questionId(), Math::max);
            }
            ctx.fireChannelRead(msg);
        }
    }
}
