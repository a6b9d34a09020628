package dev.jflared.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ChannelBodySinkTest {

    private static final int CHUNK = 1 << 20;
    private static final int CHUNKS = 16;

    private static final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    @AfterAll
    static void closeGroup() {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Makes sure that ending a raw body half-closes only after the bytes still queued in the channel are written:
     * the origin does not read until the end was given, so most of the body is still in Netty's outbound buffer.
     */
    @Test
    void rawEndHalfClosesOnlyAfterEveryQueuedByteIsWritten() throws Exception {
        CompletableFuture<Long> received = new CompletableFuture<>();
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new CountingHandler(accepted, received))
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
        Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 20, 512 << 20))
                .handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).syncUninterruptibly().channel();
        try {
            Channel originSide = accepted.get(10, TimeUnit.SECONDS);

            client.eventLoop().submit(() -> {
                ChannelBodySink sink = ChannelBodySink.install(client, "body", ChannelBodySink.Framing.RAW);
                for (int i = 0; i < CHUNKS; i++) {
                    sink.write(Unpooled.wrappedBuffer(new byte[CHUNK]));
                }
                sink.end(EmptyHttpHeaders.INSTANCE);
            }).get(10, TimeUnit.SECONDS);
            originSide.config().setAutoRead(true);

            assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo((long) CHUNK * CHUNKS);
        } finally {
            client.close().syncUninterruptibly();
            server.close().syncUninterruptibly();
        }
    }

    /** Counts what arrives until the peer half-closes; reading starts only when the test turns auto-read on. */
    private static final class CountingHandler extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Channel> accepted;
        private final CompletableFuture<Long> received;
        private long count;

        CountingHandler(CompletableFuture<Channel> accepted, CompletableFuture<Long> received) {
            this.accepted = accepted;
            this.received = received;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            accepted.complete(ctx.channel());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            count += buf.readableBytes();
            buf.release();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                received.complete(count);
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            received.complete(count);
        }
    }
}
