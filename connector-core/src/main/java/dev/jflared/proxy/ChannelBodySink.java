package dev.jflared.proxy;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.nio.channels.ClosedChannelException;

/**
 * A {@link BodySink} over a Netty channel: {@code write}, {@code flush} and {@code isWritable} are the channel's,
 * and {@link BodySink.Listener#onWritable()} is {@code channelWritabilityChanged}. Install it with
 * {@link #install}; it removes its handler when the body ends, so a pooled channel can carry the next one.
 *
 * <h2>Framing</h2>
 * {@link Framing#RAW} writes the chunks as they are and ends with a half-close of the output (a FIN);
 * {@link Framing#HTTP} writes {@code HttpContent}s and ends with a {@code LastHttpContent} carrying the trailers,
 * for a channel whose pipeline holds an HTTP encoder (HTTP/1.1 or Netty's HTTP/2-to-HTTP codec);
 * {@link Framing#HTTP2} writes {@code Http2DataFrame}s straight to an HTTP/2 stream channel (a child of
 * {@code Http2MultiplexHandler}) and ends with {@code END_STREAM}: an empty DATA frame, or a trailing HEADERS frame
 * carrying the trailers (names lower-cased, connection-specific ones dropped, as HTTP/2 requires).
 *
 * <h2>Ownership</h2>
 * A written chunk belongs to the channel; a closed channel releases it. {@link #abort} closes the channel.
 */
public final class ChannelBodySink extends ChannelInboundHandlerAdapter implements BodySink {

    private final Channel channel;
    private final Framing framing;
    private Listener listener;
    private boolean ended;

    private ChannelBodySink(Channel channel, Framing framing) {
        this.channel = channel;
        this.framing = framing;
    }

    /** Adds a sink for {@code channel} as its last handler, named {@code name}. Event-loop only once registered. */
    public static ChannelBodySink install(Channel channel, String name, Framing framing) {
        ChannelBodySink sink = new ChannelBodySink(channel, requireNonNull(framing, "framing"));
        channel.pipeline().addLast(name, sink);
        return sink;
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void write(ByteBuf chunk) {
        if (ended) {
            chunk.release();
            return;
        }
        Object message = switch (framing) {
            case RAW -> chunk;
            case HTTP -> new DefaultHttpContent(chunk);
            case HTTP2 -> new DefaultHttp2DataFrame(chunk);
        };
        channel.write(message, channel.voidPromise());
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public void end(HttpHeaders trailers) {
        if (ended) {
            return;
        }
        ended = true;
        removeSelf();
        if (framing == Framing.HTTP) {
            LastHttpContent last = trailers.isEmpty()
                    ? LastHttpContent.EMPTY_LAST_CONTENT
                    : new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers);
            channel.writeAndFlush(last, channel.voidPromise());
        } else if (framing == Framing.HTTP2) {
            Object last = trailers.isEmpty()
                    ? new DefaultHttp2DataFrame(true)
                    : new DefaultHttp2HeadersFrame(HttpConversionUtil.toHttp2Headers(trailers, true), true);
            channel.writeAndFlush(last, channel.voidPromise());
        } else if (channel instanceof DuplexChannel duplex) {
            // Half-close only once everything queued is written: shutdownOutput() fails writes still pending in the
            // outbound buffer, which would cut the end off a body written faster than the peer reads it.
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> duplex.shutdownOutput());
        } else {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void abort(Throwable cause) {
        if (ended) {
            return;
        }
        ended = true;
        removeSelf();
        channel.close();
    }

    @Override
    public void listener(Listener listener) {
        this.listener = listener;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!ended && listener != null && ctx.channel().isWritable()) {
            listener.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!ended) {
            ended = true;
            if (listener != null) {
                listener.onClosed(new ClosedChannelException());
            }
        }
        ctx.fireChannelInactive();
    }

    private void removeSelf() {
        if (channel.pipeline().context(this) != null) {
            channel.pipeline().remove(this);
        }
    }

    /** How body chunks are framed on the channel. */
    public enum Framing {
        /** Bytes as they are; the end is a half-close of the output. */
        RAW,
        /** {@code HttpContent}s; the end is a {@code LastHttpContent} with the trailers. */
        HTTP,
        /** {@code Http2DataFrame}s on an HTTP/2 stream channel; the end is END_STREAM, with trailers if any. */
        HTTP2
    }
}
