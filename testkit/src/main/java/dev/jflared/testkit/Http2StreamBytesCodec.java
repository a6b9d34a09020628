package dev.jflared.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;

/**
 * Lets a byte-stream handler (the edge's side of the control stream's RPC) run on an HTTP/2 stream channel: the
 * content of each DATA frame read moves on as a {@code ByteBuf}, and each {@code ByteBuf} written goes out as a
 * DATA frame (shared/protocol/NOTES.md "Registration": the RPC runs over the request and response bodies).
 * Other frames pass through. Stateless, but kept per channel like the connector's adapter in transport-http2.
 *
 * <h2>Ownership</h2>
 * A DATA frame and its content share one reference count: the content moves on in its place, an empty one is
 * released. A written buffer becomes the frame's content; an empty one is released and nothing is sent.
 */
final class Http2StreamBytesCodec extends ChannelDuplexHandler {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2DataFrame data) {
            if (data.content().isReadable()) {
                ctx.fireChannelRead(data.content());
            } else {
                data.release();
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            if (!buf.isReadable()) {
                buf.release();
                promise.trySuccess();
                return;
            }
            ctx.write(new DefaultHttp2DataFrame(buf), promise);
        } else {
            ctx.write(msg, promise);
        }
    }
}
