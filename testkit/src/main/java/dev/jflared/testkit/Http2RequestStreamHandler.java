package dev.jflared.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One request stream the edge opened toward an HTTP/2 connector (shared/protocol/NOTES.md "HTTP/2 streams"); what
 * every transport does the same is in {@link ChannelRequestStream}.
 *
 * <h2>Lifecycle</h2>
 * Once active it writes the request's HEADERS ({@code :authority} the eyeball's host, the headers as the edge
 * forwards them, {@code cf-cloudflared-proxy-connection-upgrade: websocket} for a websocket), with END_STREAM
 * when the request has no body and is no websocket; the body follows through {@link #writeBody} as DATA, and
 * {@link #endBody} sends END_STREAM. The connector's first final HEADERS frame is the response: the origin's
 * headers are decoded from {@code cf-cloudflared-response-headers}, and a websocket's 200 is handed on as the
 * 101 it stands for. DATA is response body; a HEADERS frame after the body carries trailers.
 *
 * <h2>Flow control</h2>
 * As in {@link ChannelRequestStream}: the multiplexer only returns flow-control credit for DATA read, so the
 * connector waits while auto-read is off.
 *
 * <h2>Errors</h2>
 * A RST_STREAM, or the stream closing before END_STREAM, fails the exchange (502 before the head, else the
 * eyeball connection is closed).
 *
 * <h2>Ownership</h2>
 * The content of DATA read is handed to the exchange, which owns it; other frames are released here.
 */
final class Http2RequestStreamHandler extends ChannelRequestStream {

    /** Connection-specific headers HTTP/2 forbids (RFC 9113 section 8.2.2); the edge's HTTP/1.1 side may see them. */
    private static final Set<String> CONNECTION_SPECIFIC =
            Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host");

    /** Event-loop confined. */
    private boolean headDone;

    Http2RequestStreamHandler(EyeballExchange exchange) {
        super(exchange);
    }

    @Override
    Object requestHead(ChannelHandlerContext ctx, EdgeRequest request, boolean endOfStream) {
        return new DefaultHttp2HeadersFrame(requestHeaders(request), endOfStream);
    }

    @Override
    Object wrap(ByteBuf chunk) {
        return new DefaultHttp2DataFrame(chunk);
    }

    @Override
    Object endFrame() {
        return new DefaultHttp2DataFrame(true);
    }

    static Http2Headers requestHeaders(EdgeRequest request) {
        Http2Headers headers = new DefaultHttp2Headers()
                .method(request.method())
                .scheme("http")
                .authority(request.host())
                .path(request.uri());
        for (Map.Entry<String, String> header : request.headers()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (CONNECTION_SPECIFIC.contains(name)
                    || name.equals("te") && !header.getValue().equalsIgnoreCase("trailers")) {
                continue;
            }
            headers.add(name, header.getValue());
        }
        if (request.websocket()) {
            headers.set(Http2Edge.UPGRADE, Http2Edge.UPGRADE_WEBSOCKET);
        }
        return headers;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2DataFrame data) {
            boolean endStream = data.isEndStream();
            if (!headDone) {
                data.release();
                fail(ctx, "the connector sent DATA before its response HEADERS");
                return;
            }
            if (data.content().isReadable()) {
                relayBody(data.content());
            } else {
                data.release();
            }
            if (endStream) {
                endOfResponse(ctx, List.of());
            }
        } else if (msg instanceof Http2HeadersFrame frame) {
            onHeaders(ctx, frame);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHeaders(ChannelHandlerContext ctx, Http2HeadersFrame frame) {
        if (headDone) {
            endOfResponse(ctx, fields(frame.headers()));
            return;
        }
        int status = status(frame.headers().status());
        if (status >= 100 && status < 200) {
            return;
        }
        if (status < 200) {
            fail(ctx, "the connector's response has no valid :status: " + frame.headers().status());
            return;
        }
        headDone = true;
        if (exchange.request().websocket() && status == 200) {
            status = 101;
        }
        exchange.respond(new EdgeResponse(status, responseHeaders(frame.headers()), ""));
        if (frame.isEndStream()) {
            endOfResponse(ctx, List.of());
        }
    }

    /** The origin's headers: the serialized ones when present (golden README: the real headers are Go's). */
    static List<Map.Entry<String, String>> responseHeaders(Http2Headers headers) {
        CharSequence serialized = headers.get(Http2Edge.RESPONSE_USER_HEADERS);
        if (serialized == null) {
            List<Map.Entry<String, String>> plain = new ArrayList<>();
            for (Map.Entry<String, String> field : fields(headers)) {
                if (!field.getKey().startsWith("cf-cloudflared-")) {
                    plain.add(field);
                }
            }
            return plain;
        }
        return deserialize(serialized.toString());
    }

    /** Decodes {@code b64(name):b64(value)} pairs joined by {@code ;}, base64 without padding (header.go). */
    static List<Map.Entry<String, String>> deserialize(String serialized) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        if (serialized.isEmpty()) {
            return headers;
        }
        Base64.Decoder decoder = Base64.getDecoder();
        for (String pair : serialized.split(";")) {
            int colon = pair.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("cf-cloudflared-response-headers: pair without ':': " + pair);
            }
            headers.add(new AbstractMap.SimpleImmutableEntry<>(
                    new String(decoder.decode(pair.substring(0, colon)), StandardCharsets.ISO_8859_1),
                    new String(decoder.decode(pair.substring(colon + 1)), StandardCharsets.ISO_8859_1)));
        }
        return headers;
    }

    private static List<Map.Entry<String, String>> fields(Http2Headers headers) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (Map.Entry<CharSequence, CharSequence> header : headers) {
            if (!Http2Headers.PseudoHeaderName.hasPseudoHeaderFormat(header.getKey())) {
                fields.add(new AbstractMap.SimpleImmutableEntry<>(header.getKey().toString(),
                        header.getValue().toString()));
            }
        }
        return fields;
    }

    private static int status(CharSequence status) {
        if (status == null) {
            return 0;
        }
        try {
            return AsciiString.of(status).parseInt();
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame reset) {
            fail(ctx, "the connector reset the stream (error code " + reset.errorCode() + ")");
        }
        ctx.fireUserEventTriggered(evt);
    }
}
