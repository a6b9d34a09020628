package dev.jflared.rpc;

import static dev.jflared.rpc.RpcTestSupport.describeAll;
import static dev.jflared.rpc.RpcTestSupport.drainOutbound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jflared.rpc.RpcConnection.TableSizes;
import dev.jflared.rpc.framing.CapnpFrameEncoder;
import dev.jflared.rpc.framing.CapnpMessage;
import dev.jflared.rpc.message.Message;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.capnproto.MessageBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link RpcConnection#ping}: on a channel whose clock the test drives, and against the server role over TCP. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RpcConnectionPingTest {

    private static final long IFACE = 0x1234_5678_9abc_def0L;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void pingFinishesAndReleasesWhatItGotAndReusesItsQuestionId() {
        EmbeddedChannel channel = new EmbeddedChannel();
        RpcConnection rpc = RpcConnection.client(channel);
        rpc.bootstrap();
        channel.writeInbound(frame(RpcMessages.bootstrapReturn(0, 0)));

        CompletableFuture<Duration> first = rpc.ping(TIMEOUT);
        channel.writeInbound(frame(RpcMessages.bootstrapReturn(0, 0)));
        CompletableFuture<Duration> second = rpc.ping(TIMEOUT);
        channel.writeInbound(frame(RpcMessages.bootstrapReturn(0, 0)));
        TableSizes sizes = rpc.tableSizes();
        rpc.shutdown();

        assertThat(first.join()).isGreaterThanOrEqualTo(Duration.ZERO);
        assertThat(second.join()).isGreaterThanOrEqualTo(Duration.ZERO);
        assertThat(sizes).isEqualTo(new TableSizes(0, 1, 0, 0));
        // The shutdown releases the registration's import with count 1: the pings added no reference to it.
        assertThat(describeAll(drainOutbound(channel))).containsExactly(
                "bootstrap q=0", "finish q=0 releaseResultCaps=false",
                "bootstrap q=0", "finish q=0 releaseResultCaps=false", "release id=0 count=1",
                "bootstrap q=0", "finish q=0 releaseResultCaps=false", "release id=0 count=1",
                "release id=0 count=1", "abort \"rpc: shutdown\" type=0");
        channel.finishAndReleaseAll();
    }

    @Test
    void timedOutPingFailsAloneAndItsLateAnswerIsReleased() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        RpcConnection rpc = RpcConnection.client(channel);

        CompletableFuture<Duration> lost = rpc.ping(TIMEOUT);
        channel.advanceTimeBy(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        CompletableFuture<Duration> next = rpc.ping(TIMEOUT);
        channel.writeInbound(frame(RpcMessages.bootstrapReturn(0, 3)));
        channel.writeInbound(frame(RpcMessages.bootstrapReturn(1, 3)));

        assertThatThrownBy(lost::join).cause().isInstanceOf(RpcTimeoutException.class)
                .hasMessageContaining("ping got no answer within PT5S");
        assertThat(next.join()).isGreaterThanOrEqualTo(Duration.ZERO);
        assertThat(channel.isOpen()).isTrue();
        assertThat(rpc.tableSizes()).isEqualTo(new TableSizes(0, 0, 0, 0));
        assertThat(describeAll(drainOutbound(channel))).containsExactly(
                "bootstrap q=0", "finish q=0 releaseResultCaps=false",
                "bootstrap q=1", "release id=3 count=1",
                "finish q=1 releaseResultCaps=false", "release id=3 count=1");
        channel.finishAndReleaseAll();
    }

    @Test
    void pingAnsweredWithAnExceptionFailsWithItAndTheConnectionStaysOpen() {
        EmbeddedChannel channel = new EmbeddedChannel();
        RpcConnection rpc = RpcConnection.client(channel);

        CompletableFuture<Duration> refused = rpc.ping(TIMEOUT);
        channel.writeInbound(frame(RpcMessages.exceptionReturn(0, false, RpcException.Type.FAILED, "no bootstrap")));

        assertThatThrownBy(refused::join).cause().isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.reason()).isEqualTo("no bootstrap"));
        assertThat(channel.isOpen()).isTrue();
        assertThat(describeAll(drainOutbound(channel)))
                .containsExactly("bootstrap q=0", "finish q=0 releaseResultCaps=false");
        channel.finishAndReleaseAll();
    }

    @Test
    void pingOnAnEndedConnectionFailsAtOnce() {
        EmbeddedChannel channel = new EmbeddedChannel();
        RpcConnection rpc = RpcConnection.client(channel);
        rpc.shutdown();

        CompletableFuture<Duration> late = rpc.ping(TIMEOUT);

        assertThatThrownBy(late::join).cause().isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.type()).isEqualTo(RpcException.Type.DISCONNECTED));
        channel.finishAndReleaseAll();
    }

    /** Makes sure that the server role (LocalEdge's) answers every ping and frees what each one took. */
    @Test
    void serverAnswersRepeatedPingsWithoutGrowingItsTables() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        CompletableFuture<RpcConnection> serverSide = new CompletableFuture<>();
        Semaphore finishesAndReleases = new Semaphore(0);
        CapabilityServer echo = CapabilityServer.builder()
                .method(IFACE, 0, call -> CompletableFuture.completedFuture(null))
                .build();
        try {
            Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            serverSide.complete(RpcConnection.server(ch, echo));
                            ch.pipeline().addAfter("capnp-decoder", "spy", new ProcessedSpy(finishesAndReleases));
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(listener.localAddress()).sync().channel();
            RpcConnection client = RpcConnection.client(channel);
            int pings = 20;

            pingSequentially(client, pings);
            awaitProcessed(finishesAndReleases, 2 * pings);
            TableSizes serverAfterPingsAlone = sizes(serverSide.join());
            RemoteCapability registration = client.bootstrap();
            registration.call(IFACE, 0, p -> { }).join();
            pingSequentially(client, pings);
            registration.call(IFACE, 0, p -> { }).join();
            awaitProcessed(finishesAndReleases, 3 + 2 * pings);

            assertThat(serverAfterPingsAlone).isEqualTo(new TableSizes(0, 0, 0, 0));
            assertThat(sizes(serverSide.join())).isEqualTo(new TableSizes(0, 0, 0, 1));
            assertThat(sizes(client)).isEqualTo(new TableSizes(0, 1, 0, 0));
            client.shutdown().join();
            listener.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static void pingSequentially(RpcConnection client, int count) {
        for (int i = 0; i < count; i++) {
            assertThat(client.ping(TIMEOUT).join()).isGreaterThanOrEqualTo(Duration.ZERO);
        }
    }

    private static void awaitProcessed(Semaphore processed, int count) throws InterruptedException {
        assertThat(processed.tryAcquire(count, 10, TimeUnit.SECONDS)).as("finish and release messages processed")
                .isTrue();
    }

    private static TableSizes sizes(RpcConnection rpc) throws Exception {
        return rpc.channel().eventLoop().submit(rpc::tableSizes).get(10, TimeUnit.SECONDS);
    }

    private static ByteBuf frame(MessageBuilder message) {
        ByteBuf out = Unpooled.buffer();
        CapnpFrameEncoder.writeFrame(message.getSegmentsForOutput(), out);
        return out;
    }

    /** Counts each Finish and Release once the RPC handler after it has processed the message. */
    private static final class ProcessedSpy extends ChannelInboundHandlerAdapter {
        private final Semaphore processed;

        ProcessedSpy(Semaphore processed) {
            this.processed = processed;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Message.Which which = ((CapnpMessage) msg).getRoot(Message.factory).which();
            ctx.fireChannelRead(msg);
            if (which == Message.Which.FINISH || which == Message.Which.RELEASE) {
                processed.release();
            }
        }
    }
}
