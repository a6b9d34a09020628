package dev.jflared.quic;

import dev.jflared.proxy.BodySink;
import dev.jflared.proxy.ResponseHead;
import dev.jflared.proxy.TunnelRequest;
import dev.jflared.proxy.TunnelResponder;
import dev.jflared.rpc.framing.CapnpFrameEncoder;
import dev.jflared.rpc.schema.ConnectResponse;
import dev.jflared.rpc.schema.Metadata;
import dev.jflared.rpc.schema.QuicStreamSignatures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Answers one data stream: the 8-byte preamble and a {@code ConnectResponse}, then the body as raw stream bytes
 * ending with a FIN (cloudflared {@code connection/quic_connection.go}, {@code tunnelrpc/quic/
 * request_server_stream.go}; golden {@code data1.cfd2edge}). Event-loop confined to the stream's loop.
 *
 * <h2>Head</h2>
 * {@code HttpStatus} first, then one {@code HttpHeader:<Name>} entry per header value in the origin's order, names
 * in Go's canonical form. A websocket's {@code 101} goes as it is (golden {@code data3.cfd2edge}); a tcp stream is
 * acknowledged with no metadata. {@link #fail} sends cloudflared's {@code WriteErrorResponse}: {@code error} = the
 * cause's message and {@code HttpStatus=502} (for tcp the error alone), then ends the stream.
 *
 * <h2>Body</h2>
 * Raw bytes through a {@link QuicStreamBodySink}, ended with a FIN; trailers are dropped (see there).
 */
final class QuicStreamResponder implements TunnelResponder {

    /** cloudflared's {@code WriteErrorResponse} status: {@code http.StatusBadGateway}. */
    private static final String BAD_GATEWAY = "502";

    /** The characters besides letters and digits that RFC 9110 allows in a header name (a token). */
    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

    private final Channel stream;
    private final TunnelRequest.Kind kind;
    private final String requestId;

    QuicStreamResponder(Channel stream, TunnelRequest.Kind kind, String requestId) {
        this.stream = stream;
        this.kind = kind;
        this.requestId = requestId;
    }

    @Override
    public BodySink respond(ResponseHead head) {
        List<Metadata> metadata = new ArrayList<>(head.headers().size() + 1);
        // A tcp stream is acknowledged with no metadata (cloudflared's AckConnection without tracing).
        if (kind != TunnelRequest.Kind.TCP) {
            metadata.add(new Metadata("HttpStatus", Integer.toString(head.status())));
            for (Map.Entry<String, String> header : head.headers()) {
                metadata.add(new Metadata("HttpHeader:" + canonicalName(header.getKey()), header.getValue()));
            }
        }
        stream.writeAndFlush(encode(stream.alloc(), ConnectResponse.ok(metadata)), stream.voidPromise());
        return QuicStreamBodySink.install(stream, requestId);
    }

    @Override
    public void fail(Throwable cause) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        // http and websocket go through cloudflared's WriteErrorResponse; a tcp failure carries the error alone.
        List<Metadata> metadata = kind == TunnelRequest.Kind.TCP ? List.of()
                : List.of(new Metadata("HttpStatus", BAD_GATEWAY));
        ConnectResponse response = ConnectResponse.failed(message, metadata);
        QuicStreams.writeLastAndClose(stream, encode(stream.alloc(), response));
    }

    /**
     * A header name in the form Go's {@code textproto.CanonicalMIMEHeaderKey} gives it, which is how cloudflared's
     * response headers reach the edge ({@code Content-Length}, {@code Sec-Websocket-Accept}; golden
     * {@code data3.cfd2edge}). A name with a character that is not an HTTP token character stays as it is, as in Go.
     */
    static String canonicalName(String name) {
        char[] chars = name.toCharArray();
        boolean upper = true;
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!letter && !(c >= '0' && c <= '9') && TOKEN_SYMBOLS.indexOf(c) < 0) {
                return name;
            }
            if (letter) {
                chars[i] = upper ? Character.toUpperCase(c) : Character.toLowerCase(c);
            }
            upper = c == '-';
        }
        return new String(chars);
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
}
