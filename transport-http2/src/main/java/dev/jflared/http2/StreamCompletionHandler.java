package dev.jflared.http2;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * Ends an edge stream once our response has ended, the way Go's HTTP/2 server ends a request whose handler has
 * returned: when the frame carrying our END_STREAM has been written, a stream whose request side is still open
 * is reset with {@code NO_ERROR} (the edge may stop sending a body nobody reads), and the stream channel is
 * closed, which also releases request frames nobody asked for. A stream the edge has ended too is simply closed.
 * Stateless apart from the one-shot flag; one per stream channel.
 *
 * <h2>Ownership</h2>
 * Frames pass through untouched; a void promise on the END_STREAM frame is swapped for a real one so that its
 * completion can be seen.
 */
final class StreamCompletionHandler extends ChannelOutboundHandlerAdapter {

    private boolean ended;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (ended || !isEndStream(msg)) {
            ctx.write(msg, promise);
            return;
        }
        ended = true;
        ChannelPromise written = promise.isVoid() ? ctx.newPromise() : promise;
        written.addListener(f -> finish((Http2StreamChannel) ctx.channel()));
        ctx.write(msg, written);
    }

    private static boolean isEndStream(Object msg) {
        return msg instanceof Http2DataFrame data && data.isEndStream()
                || msg instanceof Http2HeadersFrame headers && headers.isEndStream();
    }

    private static void finish(Http2StreamChannel channel) {
        if (!channel.isActive()) {
            return;
        }
        if (channel.stream().state() != Http2Stream.State.CLOSED) {
            channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }
}
