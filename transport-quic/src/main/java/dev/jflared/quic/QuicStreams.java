package dev.jflared.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;

/**
 * How this transport ends a stream: with a FIN after the last bytes, or with a reset. On a channel that is not a
 * QUIC stream (a test's {@code EmbeddedChannel}) both become a close.
 */
final class QuicStreams {

    /**
     * The application error code of our stream resets: cloudflared resets a stream that failed with
     * {@code quicStream.CancelWrite(0)} ({@code connection/quic_connection.go}).
     */
    static final int RESET_CODE = 0;

    private QuicStreams() {}

    /** The stream id for logs and request ids; -1 for a channel that is not a QUIC stream. */
    static long streamId(Channel channel) {
        return channel instanceof QuicStreamChannel stream ? stream.streamId() : -1;
    }

    /** Resets both directions of the stream (RESET_STREAM and STOP_SENDING), then closes its channel. */
    static void reset(Channel channel) {
        if (channel instanceof QuicStreamChannel stream && stream.isActive()) {
            stream.shutdown(RESET_CODE).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    /**
     * Writes {@code last} with a FIN and closes the channel once it went out, which also stops the peer's sending.
     * Takes ownership of {@code last}.
     */
    static ChannelFuture writeLastAndClose(Channel channel, ByteBuf last) {
        Object message = channel instanceof QuicStreamChannel ? new DefaultQuicStreamFrame(last, true) : last;
        return channel.writeAndFlush(message).addListener(ChannelFutureListener.CLOSE);
    }
}
