package dev.jflared.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a request stream does the same on every transport: the eyeball's body toward the connector
 * ({@link RequestStream}), the connector's body back to the eyeball with backpressure, and the ends of both
 * directions. A transport says how its request head is written ({@link #requestHead}), how a body chunk and the end
 * of the body are framed ({@link #wrap}, {@link #endFrame}), and reads the connector's answer itself, handing body
 * pieces to {@link #relayBody} and the end of the answer to {@link #endOfResponse}.
 *
 * <h2>Lifecycle</h2>
 * Once active it writes the request head, ending our direction at once when the request has no body and is no
 * websocket; the body follows through {@link #writeBody}, and {@link #endBody} ends our direction. The stream is
 * closed once both directions have ended.
 *
 * <h2>Flow control</h2>
 * Auto-read is on while the eyeball is writable; when it is not, it is turned off until the eyeball has taken what
 * it was given ({@link EyeballExchange#whenWritable}), so the connector's window runs out meanwhile.
 *
 * <h2>Errors</h2>
 * {@link #fail} fails the exchange (502 before the head, else the eyeball connection is closed) and closes the
 * stream; so does the stream closing before the end of the answer.
 *
 * <h2>Threads</h2>
 * The handler methods run on the stream's loop; the {@link RequestStream} methods may be called from any thread.
 */
abstract class ChannelRequestStream extends ChannelInboundHandlerAdapter implements RequestStream {

    private static final Logger logger = LoggerFactory.getLogger(ChannelRequestStream.class);

    final EyeballExchange exchange;
    private Channel channel;
    /** Event-loop confined from here on. */
    private ChannelFuture lastBodyWrite;
    private boolean inputDone;
    private boolean outputDone;
    private boolean ended;
    private Runnable whenWritable;

    ChannelRequestStream(EyeballExchange exchange) {
        this.exchange = exchange;
    }

    /**
     * The request head as the transport writes it, ending our direction when {@code endOfStream}. The caller writes
     * the result and so owns nothing of it.
     */
    abstract Object requestHead(ChannelHandlerContext ctx, EdgeRequest request, boolean endOfStream);

    /** A piece of the request body as the transport writes it. Takes ownership of {@code chunk}. */
    abstract Object wrap(ByteBuf chunk);

    /** The message that ends our direction of the stream. */
    abstract Object endFrame();

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        EdgeRequest request = exchange.request();
        outputDone = !request.hasBody() && !request.websocket();
        ctx.writeAndFlush(requestHead(ctx, request, outputDone));
        ctx.fireChannelActive();
    }

    /** Hands a piece of the connector's response body to the eyeball. Takes ownership of {@code content}. */
    final void relayBody(ByteBuf content) {
        lastBodyWrite = exchange.writeBody(content);
    }

    /** The connector's answer is complete, with these trailers; closes the stream if our direction has ended. */
    final void endOfResponse(ChannelHandlerContext ctx, List<Map.Entry<String, String>> trailers) {
        inputDone = true;
        if (!ended) {
            ended = true;
            exchange.end(trailers);
        }
        if (outputDone) {
            ctx.close();
        }
    }

    /** Fails the exchange with {@code reason}, unless it has ended, and closes the stream. */
    final void fail(ChannelHandlerContext ctx, String reason) {
        if (!ended) {
            ended = true;
            exchange.fail(reason);
        }
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Auto-read stays on while the eyeball can take more (with it off, quiche's window updates lag and every
        // read() yields one packet); when the eyeball is full, it is off until it has taken what it got.
        if (!inputDone && lastBodyWrite != null && !exchange.isWritable()) {
            ctx.channel().config().setAutoRead(false);
            exchange.whenWritable(lastBodyWrite, () -> channel.config().setAutoRead(true));
        }
        lastBodyWrite = null;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && whenWritable != null) {
            Runnable task = whenWritable;
            whenWritable = null;
            task.run();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!ended) {
            ended = true;
            exchange.fail("the connector closed the stream before the response ended");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("{} request stream failed", ctx.channel(), cause);
        fail(ctx, String.valueOf(cause.getMessage()));
    }

    // ---- RequestStream: called from the eyeball's loop

    @Override
    public ChannelFuture writeBody(ByteBuf chunk) {
        return channel.writeAndFlush(wrap(chunk));
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void whenWritable(ChannelFuture lastWrite, Runnable task) {
        lastWrite.addListener(f -> {
            if (channel.isWritable() || !channel.isActive()) {
                task.run();
            } else {
                whenWritable = task;
            }
        });
    }

    @Override
    public void endBody() {
        if (channel.eventLoop().inEventLoop()) {
            sendEnd();
        } else {
            channel.eventLoop().execute(this::sendEnd);
        }
    }

    private void sendEnd() {
        if (outputDone || !channel.isActive()) {
            return;
        }
        outputDone = true;
        channel.writeAndFlush(endFrame());
        if (inputDone) {
            channel.close();
        }
    }

    @Override
    public void abort() {
        channel.close();
    }
}
