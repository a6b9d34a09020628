package dev.jflared.http2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * The first handler of every stream the edge opens: it waits for the stream's first HEADERS frame, removes itself
 * and hands the stream to its {@link Http2EdgeConnection}, which sets up the pipeline for what the stream carries
 * (control stream, configuration update or proxied request). One per stream channel.
 */
final class EdgeStreamHandler extends ChannelInboundHandlerAdapter {

    private final Http2EdgeConnection connection;

    EdgeStreamHandler(Http2EdgeConnection connection) {
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Http2HeadersFrame headers)) {
            // Http2FrameCodec lets no other frame open a stream; nothing to serve.
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.pipeline().remove(this);
        connection.serve((Http2StreamChannel) ctx.channel(), headers);
    }
}
