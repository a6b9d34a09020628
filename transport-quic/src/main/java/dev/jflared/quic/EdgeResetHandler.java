package dev.jflared.quic;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelOutputShutdownException;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees a data stream that the edge gave up on (RESET_STREAM, STOP_SENDING or both, as when the eyeball goes away):
 * it resets our side of the stream, which closes its channel. The stream then stops counting as in flight, and the
 * origin request is aborted through the {@link QuicStreamBodySink} (closed under its writer) and, while the request
 * body was still coming, the request body source, which gets the cause: a cut-off upload is never passed off as a
 * whole one. Installed first in the pipeline once the request is served. Event-loop confined.
 *
 * <h2>What Netty tells us (4.2.18)</h2>
 * <ul>
 *   <li>RESET_STREAM while the request body is read: {@code exceptionCaught} with a {@link QuicStreamResetException}.
 *       </li>
 *   <li>STOP_SENDING while our writes wait for flow control: they fail with {@link ChannelOutputShutdownException},
 *       quietly if their promise is void (Netty's {@code PendingWriteQueue}); hence the real promises here.</li>
 *   <li>Otherwise nothing. quiche answers STOP_SENDING with its own RESET_STREAM; once the request's FIN has been
 *       read, the stream is then complete and quiche forgets it. A later write gets quiche's {@code Done}, which Netty
 *       takes for flow control: the write waits forever, and the channel stays open until the connection closes
 *       (netty/netty#17380, netty/netty#16917, cloudflare/quiche#1695). What gives it away is a write left waiting
 *       while the stream still reports send capacity: a stream that its own flow control holds up reports 0. That
 *       is checked after every flush, and confirmed {@link #FORGOTTEN_CONFIRMATION} later, since the figure can also
 *       be stale for a healthy stream that found the connection's send capacity used up by other streams (Netty
 *       refreshes it only after the stream's own sends); such a stream becomes writable again meanwhile.</li>
 * </ul>
 * So a reset is noticed at once while we read or have writes queued, and otherwise at our next write: for a request
 * whose origin has not answered yet, when it answers, or {@link #FORGOTTEN_CONFIRMATION} after that write.
 */
final class EdgeResetHandler extends ChannelDuplexHandler {

    static final String NAME = "edge-reset";

    private static final Logger logger = LoggerFactory.getLogger(EdgeResetHandler.class);

    /**
     * How long a stream must look forgotten before it is reset: long enough for a healthy stream held up by the
     * connection's send capacity to get it back (that takes round trips, not seconds).
     */
    static final Duration FORGOTTEN_CONFIRMATION = Duration.ofSeconds(5);

    private final String requestId;
    private boolean reset;
    private ScheduledFuture<?> confirmation;

    EdgeResetHandler(String requestId) {
        this.requestId = requestId;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof QuicStreamResetException && !reset) {
            resetByEdge(ctx, cause);
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        // Netty fails a queued write quietly when its promise is void, and STOP_SENDING shows only as the failure of
        // the queued writes: so every write gets a real promise, and a void one's other failures are fired on.
        boolean fireFailure = promise.isVoid();
        ChannelPromise watched = fireFailure ? ctx.newPromise() : promise;
        watched.addListener(written -> {
            if (!written.isSuccess()) {
                writeFailed(ctx, written.cause(), fireFailure);
            }
        });
        ctx.write(msg, watched);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
        if (!reset && confirmation == null && looksForgotten(ctx.channel())) {
            // Confirm before resetting: Netty's capacity figure can also be stale for a healthy stream that found
            // the connection's send capacity used up by other streams; such a stream hears channelWritabilityChanged
            // as soon as capacity comes back, which cancels this.
            confirmation = ctx.executor().schedule(() -> confirmForgotten(ctx), FORGOTTEN_CONFIRMATION.toNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            cancelConfirmation();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelConfirmation();
    }

    /** A write left waiting while the stream still reports send capacity: see the class doc. */
    private static boolean looksForgotten(Channel stream) {
        return stream instanceof QuicStreamChannel && stream.isActive() && !stream.isWritable()
                && stream.bytesBeforeUnwritable() > 0;
    }

    private void confirmForgotten(ChannelHandlerContext ctx) {
        confirmation = null;
        if (!reset && looksForgotten(ctx.channel())) {
            resetByEdge(ctx, new IOException("the edge reset the stream: a write to it was dropped"));
        }
    }

    private void cancelConfirmation() {
        if (confirmation != null) {
            confirmation.cancel(false);
            confirmation = null;
        }
    }

    private void writeFailed(ChannelHandlerContext ctx, Throwable cause, boolean fireFailure) {
        if (reset) {
            // Our reset failing the writes still queued: expected, the stream is gone already.
            return;
        }
        if (cause instanceof ChannelOutputShutdownException) {
            resetByEdge(ctx, cause);
        } else if (fireFailure) {
            ctx.fireExceptionCaught(cause);
        }
    }

    private void resetByEdge(ChannelHandlerContext ctx, Throwable cause) {
        reset = true;
        Channel stream = ctx.channel();
        boolean requestBodyOpen = !(stream instanceof DuplexChannel duplex) || !duplex.isInputShutdown();
        logger.atDebug().addKeyValue("requestId", requestId).addKeyValue("streamID", QuicStreams.streamId(stream))
                .addKeyValue("cause", cause.toString()).log("the edge reset the data stream");
        QuicStreams.reset(stream);
        if (requestBodyOpen) {
            ctx.fireExceptionCaught(cause);
        }
    }
}
