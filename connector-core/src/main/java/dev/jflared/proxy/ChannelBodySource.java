package dev.jflared.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * A {@link BodySource} over a Netty channel whose auto-read is off: {@link #request()} is {@code Channel.read()}.
 * Add it last in the pipeline, after the transport's framing decoder, with {@link #install}.
 *
 * <h2>Messages</h2>
 * {@link ByteBuf}s and {@link HttpContent}s are body chunks; a {@link LastHttpContent} or a {@link BodyEnd} ends
 * the body with its trailers; input shutdown (a FIN with half-closure on) or the channel closing ends it without
 * trailers; an exception fails it. Other messages are passed on untouched.
 *
 * <h2>Ownership</h2>
 * Chunks move to the receiver. Chunks that arrive before {@link #subscribe} wait in a queue that {@link #abort}
 * releases; after {@code abort} arriving chunks are released at once. {@code abort} does not close the channel:
 * the channel's owner decides that.
 */
public final class ChannelBodySource extends ChannelInboundHandlerAdapter implements BodySource {

    private final Channel channel;
    private final ArrayDeque<Object> early = new ArrayDeque<>();
    private BodyReceiver receiver;
    private boolean ended;
    private boolean aborted;

    private ChannelBodySource(Channel channel) {
        this.channel = channel;
    }

    /**
     * Turns auto-read off on {@code channel} and adds a source as the last handler, named {@code name}.
     * Event-loop only when the channel is registered.
     */
    public static ChannelBodySource install(Channel channel, String name) {
        ChannelBodySource source = new ChannelBodySource(channel);
        channel.config().setAutoRead(false);
        channel.pipeline().addLast(name, source);
        return source;
    }

    @Override
    public void subscribe(BodyReceiver receiver) {
        if (this.receiver != null) {
            throw new IllegalStateException("already subscribed");
        }
        this.receiver = receiver;
    }

    @Override
    public void request() {
        if (aborted || ended) {
            return;
        }
        if (!early.isEmpty()) {
            while (!early.isEmpty() && !ended) {
                deliver(early.poll());
            }
            if (!ended) {
                receiver.onReadComplete();
            }
            return;
        }
        channel.read();
    }

    @Override
    public void abort(Throwable cause) {
        aborted = true;
        releaseEarly();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf) && !(msg instanceof HttpContent) && !(msg instanceof BodyEnd)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (aborted || ended) {
            ReferenceCountUtil.release(msg);
        } else if (receiver == null || !early.isEmpty()) {
            early.add(msg);
        } else {
            deliver(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (receiver != null && early.isEmpty() && !ended && !aborted) {
            receiver.onReadComplete();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            end(BodyEnd.NO_TRAILERS);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end(BodyEnd.NO_TRAILERS);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ended || aborted) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        ended = true;
        releaseEarly();
        if (receiver != null) {
            receiver.onError(cause);
        }
    }

    private void deliver(Object msg) {
        if (msg instanceof BodyEnd end) {
            finish(end);
        } else if (msg instanceof ByteBuf buf) {
            receiver.onChunk(buf);
        } else {
            HttpContent content = (HttpContent) msg;
            if (content.content().isReadable()) {
                receiver.onChunk(content.content());
            } else {
                content.release();
            }
            if (content instanceof LastHttpContent last) {
                finish(new BodyEnd(last.trailingHeaders()));
            }
        }
    }

    private void end(BodyEnd end) {
        if (ended || aborted) {
            return;
        }
        if (receiver == null || !early.isEmpty()) {
            early.add(end);
        } else {
            finish(end);
        }
    }

    private void finish(BodyEnd end) {
        if (ended) {
            return;
        }
        ended = true;
        receiver.onEnd(end.trailers().isEmpty() ? EmptyHttpHeaders.INSTANCE : end.trailers());
    }

    private void releaseEarly() {
        Object msg;
        while ((msg = early.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }
}
