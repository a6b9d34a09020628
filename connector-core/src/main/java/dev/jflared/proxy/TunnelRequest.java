package dev.jflared.proxy;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * One request the edge sent down the tunnel, as every transport decodes it (a QUIC {@code ConnectRequest}, an
 * HTTP/2 request on the edge connection, or a call of the embedding API).
 *
 * <pre>{@code
 * TunnelRequest request = new TunnelRequest(TunnelRequest.Kind.HTTP, "https://app.example.com/a?b=1", "GET",
 *         "app.example.com", "/a?b=1", headers, "cf-ray-or-stream-id", streamChannel.eventLoop(),
 *         new ChannelBodySource(streamChannel));
 * originProxy.proxy(request, responder);
 * }</pre>
 *
 * <h2>Headers</h2>
 * Netty's {@link HttpHeaders}: case-insensitive, multi-valued, in arrival order, and exactly what the origin
 * codecs write, so no copy is made on the hot path. The proxy never changes the instance it is given: it copies
 * before rewriting. {@code Host} is carried by {@link #host()}, not in the headers.
 *
 * <h2>Body</h2>
 * As in cloudflared, an http request has a body only when its headers say so: a {@code Content-Length} other than
 * 0, or {@code Transfer-Encoding: chunked}. A transport that cannot know the length (an HTTP/2 request with DATA
 * and no length) adds {@code Transfer-Encoding: chunked}. The body of a request without one is still read to its
 * end and dropped. For websocket and tcp the body is the eyeball's byte stream.
 *
 * <h2>Threads</h2>
 * Everything about a request happens on {@link #eventLoop()}: the edge stream's loop. Origin connections for it
 * are created and pooled on that same loop, so no byte crosses threads.
 *
 * @param kind http, websocket or tcp, as the edge says
 * @param destination the URL the edge names (http and websocket) or {@code host:port} (tcp)
 * @param method the HTTP method ({@code GET} for websocket, empty for tcp)
 * @param host the Host the eyeball asked for (empty for tcp)
 * @param pathAndQuery the request target in origin form, such as {@code /a/b?c=d} (empty for tcp)
 * @param headers the request headers except Host; see above
 * @param requestId an identifier for logs: the CF-Ray when there is one, else the transport's stream id
 * @param eventLoop the event loop of the edge stream
 * @param body the request body (the eyeball's bytes for websocket and tcp)
 */
public record TunnelRequest(
        Kind kind,
        String destination,
        String method,
        String host,
        String pathAndQuery,
        HttpHeaders headers,
        String requestId,
        EventLoop eventLoop,
        BodySource body) {

    public TunnelRequest {
        requireNonNull(kind, "kind");
        requireNonNull(destination, "destination");
        requireNonNull(method, "method");
        requireNonNull(host, "host");
        requireNonNull(pathAndQuery, "pathAndQuery");
        requireNonNull(headers, "headers");
        requireNonNull(requestId, "requestId");
        requireNonNull(eventLoop, "eventLoop");
        requireNonNull(body, "body");
        if (kind != Kind.TCP && !pathAndQuery.startsWith("/") && !pathAndQuery.equals("*")) {
            throw new IllegalArgumentException("pathAndQuery must start with '/': " + pathAndQuery);
        }
    }

    /** The request path without its query, as ingress rules match it. */
    public String path() {
        int query = pathAndQuery.indexOf('?');
        return query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
    }

    /** What the edge asks for (cloudflared's {@code ConnectionType}). */
    public enum Kind {
        /** A plain HTTP request and response. */
        HTTP,
        /** A websocket: the eyeball's {@code Sec-WebSocket-*} headers without Upgrade, then bytes both ways. */
        WEBSOCKET,
        /** A raw TCP stream to {@link #destination()} (private networking), or to a rule's stream service. */
        TCP
    }
}
