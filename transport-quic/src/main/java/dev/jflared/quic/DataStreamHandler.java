package dev.jflared.quic;

import dev.jflared.proxy.ChannelBodySource;
import dev.jflared.proxy.OriginProxy;
import dev.jflared.proxy.TunnelRequest;
import dev.jflared.rpc.framing.CapnpFrameDecoder;
import dev.jflared.rpc.framing.CapnpLimits;
import dev.jflared.rpc.framing.CapnpMessage;
import dev.jflared.rpc.schema.ConnectRequest;
import dev.jflared.rpc.schema.Metadata;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one data stream the edge opened, after its 8-byte preamble: reads the {@code ConnectRequest} (one Cap'n
 * Proto message, framed by the {@link CapnpFrameDecoder} installed before this handler), turns it into a
 * {@link TunnelRequest} and hands it to the {@link OriginProxy} with a {@link QuicStreamResponder}.
 *
 * <h2>Pipeline</h2>
 * {@link #install} adds {@value #DECODER} and {@value #HANDLER}. Once the request is read both leave the pipeline and
 * a {@link ChannelBodySource} takes their place: every byte after the message is request body (the HTTP body, or the
 * eyeball's bytes for websocket and tcp), read on demand with auto-read off, ending at the edge's FIN. Whether an
 * HTTP request has a body ({@code Content-Length} or chunked, shared/protocol/NOTES.md) is the proxy's call; a body
 * it does not want it drains to the FIN. An {@link EdgeResetHandler} goes first, to free the stream if the edge
 * resets it.
 *
 * <h2>Mapping</h2>
 * {@code type} gives the kind; {@code dest} the destination, and for http and websocket the path and query (the edge
 * sends a full URL such as {@code http://host/path?q}); {@code HttpMethod}, {@code HttpHost} and one
 * {@code HttpHeader:<Name>} entry per header value, in order; the request id is {@code Cf-Ray}, else
 * {@code stream-<id>}.
 *
 * <h2>Errors</h2>
 * A malformed request (a framing error, a message that breaks the schema, an invalid header, a FIN before the
 * message) is a stream error: that stream is reset, logged at DEBUG with its id, and the connection goes on.
 */
final class DataStreamHandler extends ChannelInboundHandlerAdapter {

    static final String DECODER = "connect-request-decoder";
    static final String HANDLER = "connect-request";
    static final String BODY = "request-body";

    /**
     * What one {@code ConnectRequest} may cost: it carries a URL and the request headers, which HTTP servers commonly
     * bound well below 1 MiB. Every edge message seen had one segment (golden/README.md); a few are allowed.
     */
    static final CapnpLimits CONNECT_REQUEST_LIMITS = new CapnpLimits(16, 1 << 20, 1 << 18, 16);

    private static final Logger logger = LoggerFactory.getLogger(DataStreamHandler.class);
    private static final String HEADER_PREFIX = "HttpHeader:";

    private final OriginProxy proxy;
    private final int connIndex;
    private boolean done;

    private DataStreamHandler(OriginProxy proxy, int connIndex) {
        this.proxy = proxy;
        this.connIndex = connIndex;
    }

    /** Adds the request decoder and this handler at the end of {@code stream}'s pipeline. Event loop only. */
    static void install(Channel stream, OriginProxy proxy, int connIndex) {
        stream.pipeline()
                .addLast(DECODER, new CapnpFrameDecoder(CONNECT_REQUEST_LIMITS))
                .addLast(HANDLER, new DataStreamHandler(proxy, connIndex));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done || !(msg instanceof CapnpMessage message)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        done = true;
        Channel stream = ctx.channel();
        RequestHead head;
        try {
            head = RequestHead.of(ConnectRequest.read(message.reader()), QuicStreams.streamId(stream));
        } catch (RuntimeException e) {
            reset(stream, "malformed ConnectRequest: " + e.getMessage());
            return;
        }
        ChannelPipeline pipeline = stream.pipeline();
        ChannelBodySource body = ChannelBodySource.install(stream, BODY);
        pipeline.remove(this);
        // Bytes the decoder read past the message are body: removing it hands them to the body source.
        pipeline.remove(DECODER);
        TunnelRequest request = head.toTunnelRequest(stream, body);
        pipeline.addFirst(EdgeResetHandler.NAME, new EdgeResetHandler(request.requestId()));
        logger.atDebug().addKeyValue("connIndex", connIndex).addKeyValue("streamID", head.streamId)
                .addKeyValue("requestId", request.requestId()).addKeyValue("type", request.kind())
                .addKeyValue("method", request.method()).addKeyValue("dest", request.destination())
                .log("data stream request");
        proxy.proxy(request, new QuicStreamResponder(stream, request.kind(), request.requestId()));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && !done) {
            done = true;
            reset(ctx.channel(), "the stream ended before its ConnectRequest");
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!done) {
            done = true;
            reset(ctx.channel(), "unreadable ConnectRequest: " + cause.getMessage());
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    private void reset(Channel stream, String reason) {
        logger.atDebug().addKeyValue("connIndex", connIndex).addKeyValue("streamID", QuicStreams.streamId(stream))
                .addKeyValue("reason", reason).log("resetting data stream");
        QuicStreams.reset(stream);
    }

    /** The fields of a ConnectRequest, checked, before the body exists. */
    private record RequestHead(TunnelRequest.Kind kind, String destination, String method, String host,
            String pathAndQuery, HttpHeaders headers, String requestId, long streamId) {

        static RequestHead of(ConnectRequest request, long streamId) {
            TunnelRequest.Kind kind = switch (request.type()) {
                case HTTP -> TunnelRequest.Kind.HTTP;
                case WEBSOCKET -> TunnelRequest.Kind.WEBSOCKET;
                case TCP -> TunnelRequest.Kind.TCP;
            };
            HttpHeaders headers = new DefaultHttpHeaders();
            String method = "";
            String host = "";
            for (Metadata entry : request.metadata()) {
                if (entry.key().startsWith(HEADER_PREFIX)) {
                    String name = entry.key().substring(HEADER_PREFIX.length());
                    if (!name.equalsIgnoreCase("Host")) {
                        headers.add(name, entry.val());
                    }
                } else if (entry.key().equals("HttpMethod")) {
                    method = entry.val();
                } else if (entry.key().equals("HttpHost")) {
                    host = entry.val();
                }
            }
            if (kind == TunnelRequest.Kind.TCP) {
                return new RequestHead(kind, request.dest(), "", "", "", headers, requestId(headers, streamId),
                        streamId);
            }
            if (method.isEmpty()) {
                if (kind == TunnelRequest.Kind.HTTP) {
                    throw new IllegalArgumentException("an http ConnectRequest without HttpMethod");
                }
                method = "GET";
            }
            return new RequestHead(kind, request.dest(), method, host, pathAndQuery(request.dest()), headers,
                    requestId(headers, streamId), streamId);
        }

        TunnelRequest toTunnelRequest(Channel stream, ChannelBodySource body) {
            return new TunnelRequest(kind, destination, method, host, pathAndQuery, headers, requestId,
                    stream.eventLoop(), body);
        }

        private static String requestId(HttpHeaders headers, long streamId) {
            String ray = headers.get("Cf-Ray");
            return ray != null && !ray.isEmpty() ? ray : "stream-" + streamId;
        }

        /** The origin-form target of a URL such as {@code http://host:8080/a/b?c#f}: {@code /a/b?c}. */
        static String pathAndQuery(String url) {
            int scheme = url.indexOf("://");
            int start = scheme < 0 ? 0 : scheme + 3;
            int end = url.indexOf('#', start);
            String rest = end < 0 ? url.substring(start) : url.substring(start, end);
            int slash = rest.indexOf('/');
            int query = rest.indexOf('?');
            if (slash >= 0 && (query < 0 || slash < query)) {
                return rest.substring(slash);
            }
            return query >= 0 ? "/" + rest.substring(query) : "/";
        }
    }
}
