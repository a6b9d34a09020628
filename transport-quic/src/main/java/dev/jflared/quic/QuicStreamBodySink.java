package dev.jflared.quic;

import dev.jflared.proxy.BodySink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.nio.channels.ClosedChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response body of a data stream: raw bytes on the stream, ended by a FIN, as cloudflared writes it.
 *
 * <h2>Why not {@code ChannelBodySink}</h2>
 * Its raw framing ends with {@code shutdownOutput()}, which on a QUIC stream goes to quiche's
 * {@code stream_shutdown(Write)} at once: data still queued behind flow control is discarded. Here the end is a
 * zero-length {@link DefaultQuicStreamFrame} with the FIN bit, queued behind the last body bytes.
 *
 * <h2>Trailers</h2>
 * A QUIC data stream cannot carry them (the head went before the body, and the body is raw bytes up to the FIN);
 * cloudflared drops them too. We drop them with a DEBUG line.
 *
 * <h2>Flow control and errors</h2>
 * {@link #isWritable()} is the stream's writability, and the listener hears {@code channelWritabilityChanged}.
 * {@link #abort} resets the stream, so that the edge never takes a truncated body for a complete one; a stream that
 * closes before the end is reported to the listener. Event-loop confined.
 *
 * <h2>Ownership</h2>
 * {@link #write} takes the chunk; once ended or closed, chunks are released at once.
 */
final class QuicStreamBodySink extends ChannelInboundHandlerAdapter implements BodySink {

    static final String NAME = "response-body";

    private static final Logger logger = LoggerFactory.getLogger(QuicStreamBodySink.class);

    private final Channel stream;
    private final String requestId;
    private Listener listener;
    private boolean ended;

    private QuicStreamBodySink(Channel stream, String requestId) {
        this.stream = stream;
        this.requestId = requestId;
    }

    /** Adds a sink as the stream's last handler. Event loop only. */
    static QuicStreamBodySink install(Channel stream, String requestId) {
        QuicStreamBodySink sink = new QuicStreamBodySink(stream, requestId);
        stream.pipeline().addLast(NAME, sink);
        return sink;
    }

    @Override
    public boolean isWritable() {
        return stream.isWritable();
    }

    @Override
    public void write(ByteBuf chunk) {
        if (ended) {
            chunk.release();
            return;
        }
        stream.write(chunk, stream.voidPromise());
    }

    @Override
    public void flush() {
        stream.flush();
    }

    @Override
    public void end(HttpHeaders trailers) {
        if (ended) {
            return;
        }
        ended = true;
        if (!trailers.isEmpty()) {
            logger.atDebug().addKeyValue("requestId", requestId).addKeyValue("trailers", trailers.size())
                    .log("dropping response trailers: a QUIC data stream cannot carry them");
        }
        Object fin = stream instanceof QuicStreamChannel ? new DefaultQuicStreamFrame(Unpooled.EMPTY_BUFFER, true)
                : Unpooled.EMPTY_BUFFER;
        stream.writeAndFlush(fin, stream.voidPromise());
        if (!(stream instanceof QuicStreamChannel)) {
            stream.close();
        }
    }

    @Override
    public void abort(Throwable cause) {
        if (ended) {
            return;
        }
        ended = true;
        logger.atDebug().setCause(cause).addKeyValue("requestId", requestId).log("resetting the response stream");
        QuicStreams.reset(stream);
    }

    @Override
    public void listener(Listener listener) {
        this.listener = listener;
        if (!stream.isActive()) {
            // The edge reset the stream before the origin answered: channelInactive has come and gone. Tell the
            // writer later, not from inside its own setup.
            stream.eventLoop().execute(this::channelClosed);
        }
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
        channelClosed();
        ctx.fireChannelInactive();
    }

    /**
     * A stream error other than the edge's reset (which {@link EdgeResetHandler} takes): it ends this stream only,
     * so it stops here at DEBUG.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.atDebug().setCause(cause).addKeyValue("requestId", requestId).log("data stream failed");
        ctx.close();
    }

    private void channelClosed() {
        if (!ended) {
            ended = true;
            if (listener != null) {
                listener.onClosed(new ClosedChannelException());
            }
        }
    }
}
