package dev.jflared.http2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;

/**
 * Lets a byte-stream handler (the RPC connection of the control stream) write to an HTTP/2 stream channel: each
 * {@code ByteBuf} goes out as a DATA frame, and closing the channel first ends our side with an empty
 * END_STREAM DATA frame, as cloudflared ends its control stream (golden stream1.txt), so the peer sees a clean
 * end rather than only a reset. Stateful per channel.
 *
 * <h2>Ownership</h2>
 * A written buffer becomes the frame's content; the frame owns it from then on. Empty buffers are released and
 * nothing is sent for them.
 */
final class StreamBytesEncoder extends ChannelOutboundHandlerAdapter {

    private boolean ended;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            if (!buf.isReadable() || ended) {
                buf.release();
                promise.trySuccess();
                return;
            }
            ctx.write(new DefaultHttp2DataFrame(buf), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (!ended && ctx.channel().isActive()) {
            ended = true;
            ctx.writeAndFlush(new DefaultHttp2DataFrame(true)).addListener(f -> ctx.close(promise));
            return;
        }
        ctx.close(promise);
    }
}
