package dev.jflared.quic;

import dev.jflared.proxy.BodySink;
import dev.jflared.proxy.ChannelBodySink;
import dev.jflared.proxy.ResponseHead;
import dev.jflared.proxy.TunnelResponder;
import dev.jflared.rpc.framing.CapnpFrameEncoder;
import dev.jflared.rpc.schema.ConnectResponse;
import dev.jflared.rpc.schema.Metadata;
import dev.jflared.rpc.schema.QuicStreamSignatures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one data stream: the 8-byte preamble and a {@code ConnectResponse}, then the body as raw stream bytes
 * ending with a FIN (cloudflared {@code connection/quic_connection.go}, {@code tunnelrpc/quic/
 * request_server_stream.go}; golden {@code data1.cfd2edge}). Event-loop confined to the stream's loop.
 *
 * <h2>Head</h2>
 * {@code HttpStatus} first, then one {@code HttpHeader:<Name>} entry per header value in the origin's order. A
 * websocket's {@code 101} goes as it is (golden {@code data3.cfd2edge}). {@link #fail} sends cloudflared's
 * {@code WriteErrorResponse}: {@code error} = the cause's message and {@code HttpStatus=502}, then ends the stream.
 *
 * <h2>Trailers</h2>
 * A QUIC data stream has no place for them: the head has gone before the body, and the body is raw bytes up to the
 * FIN. cloudflared drops them likewise; we drop them with a DEBUG line.
 */
final class QuicStreamResponder implements TunnelResponder {

    private static final Logger logger = LoggerFactory.getLogger(QuicStreamResponder.class);
    private static final String RESPONSE_BODY = "response-body";
    /** cloudflared's {@code WriteErrorResponse} status: {@code http.StatusBadGateway}. */
    private static final String BAD_GATEWAY = "502";

    private final Channel stream;
    private final String requestId;

    QuicStreamResponder(Channel stream, String requestId) {
        this.stream = stream;
        this.requestId = requestId;
    }

    @Override
    public BodySink respond(ResponseHead head) {
        List<Metadata> metadata = new ArrayList<>(head.headers().size() + 1);
        metadata.add(new Metadata("HttpStatus", Integer.toString(head.status())));
        for (Map.Entry<String, String> header : head.headers()) {
            metadata.add(new Metadata("HttpHeader:" + header.getKey(), header.getValue()));
        }
        stream.writeAndFlush(encode(stream.alloc(), ConnectResponse.ok(metadata)), stream.voidPromise());
        return new TrailerDroppingSink(ChannelBodySink.install(stream, RESPONSE_BODY, ChannelBodySink.Framing.RAW));
    }

    @Override
    public void fail(Throwable cause) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        ConnectResponse response = ConnectResponse.failed(message, List.of(new Metadata("HttpStatus", BAD_GATEWAY)));
        QuicStreams.writeLastAndClose(stream, encode(stream.alloc(), response));
    }

    /** The preamble and the framed response; the caller owns the result. */
    static ByteBuf encode(ByteBufAllocator allocator, ConnectResponse response) {
        ByteBuf out = allocator.buffer();
        try {
            QuicStreamSignatures.writeDataStreamPreamble(out);
            CapnpFrameEncoder.writeFrame(response.toMessage().getSegmentsForOutput(), out);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /** The stream's sink, with the trailers dropped (see the class doc). */
    private final class TrailerDroppingSink implements BodySink {

        private final BodySink delegate;

        TrailerDroppingSink(BodySink delegate) {
            this.delegate = delegate;
        }

        @Override
        public boolean isWritable() {
            return delegate.isWritable();
        }

        @Override
        public void write(ByteBuf chunk) {
            delegate.write(chunk);
        }

        @Override
        public void flush() {
            delegate.flush();
        }

        @Override
        public void end(HttpHeaders trailers) {
            if (!trailers.isEmpty()) {
                logger.atDebug().addKeyValue("requestId", requestId).addKeyValue("trailers", trailers.size())
                        .log("dropping response trailers: a QUIC data stream cannot carry them");
            }
            delegate.end(trailers);
        }

        @Override
        public void abort(Throwable cause) {
            // A reset, not a FIN: the edge must not take a truncated body for a complete one.
            QuicStreams.reset(stream);
            delegate.abort(cause);
        }

        @Override
        public void listener(Listener listener) {
            delegate.listener(listener);
        }
    }
}
