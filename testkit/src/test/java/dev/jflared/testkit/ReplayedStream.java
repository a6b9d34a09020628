package dev.jflared.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One QUIC stream of the {@link ReplayingConnector}: records every byte the edge sends on it (copied to the heap,
 * each buffer released at once) and whether the edge has ended it, and writes given bytes as they are. The test
 * thread waits on what was recorded; nothing here interprets the bytes.
 */
final class ReplayedStream extends ChannelInboundHandlerAdapter {

    static final Duration WAIT = Duration.ofSeconds(10);

    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private volatile QuicStreamChannel stream;
    /** Guarded by this. */
    private boolean fin;
    private boolean closed;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        stream = (QuicStreamChannel) ctx.channel();
    }

    QuicStreamChannel channel() {
        return stream;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        byte[] bytes = ByteBufUtil.getBytes(in);
        in.release();
        synchronized (this) {
            received.writeBytes(bytes);
            notifyAll();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownReadComplete) {
            synchronized (this) {
                fin = true;
                notifyAll();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset from the edge surfaces here; the stream closes and channelInactive records it.
        ctx.close();
    }

    /** Writes {@code bytes} and flushes, waiting until QUIC has taken them. */
    void write(byte[] bytes) throws Exception {
        stream.writeAndFlush(Unpooled.wrappedBuffer(bytes)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Writes each message in turn, flushing them together (as cloudflared pipelines bootstrap and call). */
    void write(List<byte[]> messages) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        messages.forEach(all::writeBytes);
        write(all.toByteArray());
    }

    /** Writes {@code bytes} with FIN. */
    void writeAndEnd(byte[] bytes) throws Exception {
        stream.writeAndFlush(new DefaultQuicStreamFrame(Unpooled.wrappedBuffer(bytes), true))
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Everything received so far, once {@code condition} holds for it; fails naming {@code what} after a while. */
    synchronized byte[] await(Predicate<byte[]> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            byte[] bytes = received.toByteArray();
            if (condition.test(bytes)) {
                return bytes;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                throw new AssertionError("stream " + stream.streamId() + ": no " + what + " within " + WAIT
                        + (closed ? " (closed)" : "") + "; received " + bytes.length + " bytes");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** The complete RPC frames received after {@code skip} bytes, once there are {@code count} of them. */
    List<byte[]> awaitRpcFrames(int skip, int count) throws InterruptedException {
        byte[] bytes = await(b -> b.length >= skip && RpcFrames.split(b, skip).size() >= count,
                count + " RPC messages");
        return RpcFrames.split(bytes, skip);
    }

    /** Every byte the edge sent, once it has ended its direction (FIN, or the stream closed). */
    synchronized byte[] awaitEnd() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!fin && !closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("stream " + stream.streamId() + ": the edge did not end it within " + WAIT);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return received.toByteArray();
    }

    /** Whether the edge ended its direction with FIN (rather than a reset or a close). */
    synchronized boolean finReceived() {
        return fin;
    }
}
