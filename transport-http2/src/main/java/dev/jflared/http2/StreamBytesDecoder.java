package dev.jflared.http2;

import dev.jflared.proxy.BodyEnd;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import java.util.Map;

/**
 * Turns the frames the peer sends on an HTTP/2 stream channel into what byte-stream handlers expect: each DATA
 * frame's content as a {@code ByteBuf}, a trailing HEADERS frame as a {@link BodyEnd} with the trailers, and
 * END_STREAM as a {@link ChannelInputShutdownEvent}, as a half-closed socket would raise; a RST_STREAM before
 * END_STREAM becomes a {@link StreamResetException}. Placed after the stream's
 * first HEADERS frame has been handled, before {@code ChannelBodySource} (request bodies) or the RPC handlers
 * (control stream). Stateless per message but kept per channel, like its encoder.
 *
 * <h2>Ownership</h2>
 * A DATA frame's content moves on in place of the frame (the frame and its content share one reference count);
 * an empty frame is released. Other frames pass on untouched.
 */
final class StreamBytesDecoder extends ChannelInboundHandlerAdapter {

    private boolean ended;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2DataFrame data) {
            if (data.content().isReadable()) {
                ctx.fireChannelRead(data.content());
            } else {
                data.release();
            }
            if (data.isEndStream()) {
                end(ctx);
            }
        } else if (msg instanceof Http2HeadersFrame trailers) {
            ctx.fireChannelRead(new BodyEnd(toHttpHeaders(trailers.headers())));
            end(ctx);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        // Http2MultiplexHandler delivers RST_STREAM as an event; a body cut short by it is an error, not an end.
        if (evt instanceof Http2ResetFrame reset && !ended) {
            ended = true;
            ctx.fireExceptionCaught(new StreamResetException(reset.errorCode()));
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void end(ChannelHandlerContext ctx) {
        if (!ended) {
            ended = true;
            ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
    }

    /** Whether END_STREAM has been read. */
    boolean isEnded() {
        return ended;
    }

    private static HttpHeaders toHttpHeaders(Http2Headers headers) {
        HttpHeaders out = new DefaultHttpHeaders();
        for (Map.Entry<CharSequence, CharSequence> header : headers) {
            if (!Http2Headers.PseudoHeaderName.hasPseudoHeaderFormat(header.getKey())) {
                out.add(CanonicalHeaderName.of(header.getKey()), header.getValue());
            }
        }
        return out;
    }
}
