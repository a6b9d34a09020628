package dev.jflared.http2;

import dev.jflared.proxy.BodySink;
import dev.jflared.proxy.ChannelBodySink;
import dev.jflared.proxy.ResponseHead;
import dev.jflared.proxy.TunnelResponder;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.nio.channels.ClosedChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a proxied request on its HTTP/2 stream: the response HEADERS ({@link EdgeResponseHeaders}) at once, then
 * the body as DATA frames through a {@link ChannelBodySink} in {@link ChannelBodySink.Framing#HTTP2} framing, which
 * ends with END_STREAM or, when the origin sent trailers, a trailing HEADERS frame: real HTTP/2 trailers, as
 * cloudflared's {@code http2RespWriter.AddTrailer} produces them (Go's {@code http2.TrailerPrefix}), which is what
 * gRPC through the edge needs (cloudflared issue 1641). Event-loop confined, like every responder.
 *
 * <h2>Flow control</h2>
 * The sink's writability is the stream channel's, which follows the stream's HTTP/2 send window, so a slow edge
 * pauses the origin read.
 *
 * <h2>Errors</h2>
 * {@link #fail} answers {@code 502} with {@code src=cloudflared} and ends the stream, as
 * {@code WriteErrorResponse}. A stream the edge already reset gets a sink that reports itself closed.
 */
final class Http2TunnelResponder implements TunnelResponder {

    private static final Logger logger = LoggerFactory.getLogger(Http2TunnelResponder.class);

    private final Http2StreamChannel channel;
    private final String requestId;

    Http2TunnelResponder(Http2StreamChannel channel, String requestId) {
        this.channel = channel;
        this.requestId = requestId;
    }

    @Override
    public BodySink respond(ResponseHead head) {
        assert channel.eventLoop().inEventLoop();
        if (!channel.isActive()) {
            return new ClosedSink(channel);
        }
        channel.writeAndFlush(new DefaultHttp2HeadersFrame(EdgeResponseHeaders.of(head), false),
                channel.voidPromise());
        return ChannelBodySink.install(channel, "body-sink", ChannelBodySink.Framing.HTTP2);
    }

    @Override
    public void fail(Throwable cause) {
        assert channel.eventLoop().inEventLoop();
        logger.debug("requestId={} {} answered 502: {}", requestId, channel, cause.toString());
        if (channel.isActive()) {
            channel.writeAndFlush(new DefaultHttp2HeadersFrame(EdgeResponseHeaders.badGateway(), true),
                    channel.voidPromise());
        }
    }

    /** The sink of a stream that closed before the response started: it drops writes and says it is closed. */
    private static final class ClosedSink implements BodySink {

        private final Http2StreamChannel channel;

        ClosedSink(Http2StreamChannel channel) {
            this.channel = channel;
        }

        @Override
        public boolean isWritable() {
            return false;
        }

        @Override
        public void write(ByteBuf chunk) {
            chunk.release();
        }

        @Override
        public void flush() {}

        @Override
        public void end(HttpHeaders trailers) {}

        @Override
        public void abort(Throwable cause) {}

        @Override
        public void listener(Listener listener) {
            // Told later, not inside listener(): the writer has not finished setting itself up yet.
            channel.eventLoop().execute(() -> listener.onClosed(new ClosedChannelException()));
        }
    }
}
