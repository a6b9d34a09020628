package dev.jflared.embed;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes written into one direction of an in-VM channel pair and not yet read by the peer. Netty's
 * {@code LocalChannel} hands every flushed message to its peer at once, so a writer never sees the channel become
 * unwritable; this window gives that back: above {@code high} bytes the writing channel is made unwritable (a
 * user-defined writability bit of its outbound buffer), and when the reader has taken it below half of that, it is
 * made writable again, on its own loop. Thread-safe.
 */
final class FlowWindow {

    private static final int WRITABILITY_BIT = 1;

    private final long high;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicBoolean blocked = new AtomicBoolean();
    private volatile Channel writer;
    private volatile Runnable onRoom;

    FlowWindow(long high) {
        this.high = high;
    }

    /** Bytes written and not yet read. */
    long pending() {
        return pending.get();
    }

    /** Whether the writer should pause: more than the window is on its way. */
    boolean full() {
        return pending.get() > high;
    }

    /** Called when the window falls below half after having been full, on the reader's loop. */
    void onRoom(Runnable action) {
        this.onRoom = action;
    }

    void produced(Channel channel, long bytes) {
        writer = channel;
        if (pending.addAndGet(bytes) > high && blocked.compareAndSet(false, true)) {
            setWritable(channel, false);
            // The reader may have taken everything between the add and the flag: look again.
            resumeIfRoom();
        }
    }

    void consumed(long bytes) {
        pending.addAndGet(-bytes);
        resumeIfRoom();
    }

    /**
     * Marks the window full without bytes, so that falling below half calls {@link #onRoom}; calls it at once
     * (asynchronously, through the action) when the window is already below half.
     */
    void block() {
        blocked.set(true);
        resumeIfRoom();
    }

    private void resumeIfRoom() {
        if (pending.get() <= high / 2 && blocked.compareAndSet(true, false)) {
            Channel channel = writer;
            if (channel != null) {
                // Writing resumes here: the reader took enough of what was written.
                channel.eventLoop().execute(() -> setWritable(channel, true));
            }
            Runnable action = onRoom;
            if (action != null) {
                action.run();
            }
        }
    }

    private static void setWritable(Channel channel, boolean writable) {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        if (buffer != null) {
            buffer.setUserDefinedWritability(WRITABILITY_BIT, writable);
        }
    }

    static long sizeOf(Object msg) {
        if (msg instanceof ByteBuf buf) {
            return buf.readableBytes();
        }
        if (msg instanceof ByteBufHolder holder) {
            return holder.content().readableBytes();
        }
        return 0;
    }

    /**
     * The pipeline end of the windows of one channel, first in its pipeline: counts bytes written out (into
     * {@code out}) and read in (from {@code in}).
     */
    static final class Gate extends ChannelDuplexHandler {

        private final FlowWindow in;
        private final FlowWindow out;

        Gate(FlowWindow in, FlowWindow out) {
            this.in = in;
            this.out = out;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            long size = sizeOf(msg);
            ctx.fireChannelRead(msg);
            if (size > 0) {
                in.consumed(size);
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            long size = sizeOf(msg);
            if (size > 0) {
                out.produced(ctx.channel(), size);
            }
            ctx.write(msg, promise);
        }
    }
}
