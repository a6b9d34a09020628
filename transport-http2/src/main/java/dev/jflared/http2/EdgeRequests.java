package dev.jflared.http2;

import dev.jflared.proxy.BodySource;
import dev.jflared.proxy.TunnelRequest;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decodes the request the edge sends on an HTTP/2 stream into a {@link TunnelRequest}, as cloudflared's Go HTTP/2
 * server and {@code connection/http2.go} see it.
 *
 * <h2>Kind</h2>
 * By {@code cf-cloudflared-proxy-connection-upgrade} and {@code cf-cloudflared-proxy-src}, in cloudflared's order
 * ({@code determineHTTP2Type}): {@code update-configuration}, then {@code websocket}, then a non-empty proxy source
 * (tcp), then {@code control-stream}, else a plain http request.
 *
 * <h2>Headers</h2>
 * The edge sends the eyeball's headers as plain HTTP/2 headers; cloudflared 2025.5 no longer reads a serialized
 * {@code cf-cloudflared-request-headers} (that was h2mux's {@code H2RequestHeadersToH1Request}). Pseudo-headers
 * become method, host ({@code :authority}), path and destination; {@code cf-cloudflared-*} headers are the edge's
 * instructions to us and are not forwarded (cloudflared strips the upgrade one; the others never reach an HTTP
 * origin). Names are given Go's canonical form, as Go's server hands them to cloudflared, and several
 * {@code cookie} fields are joined with {@code "; "} (RFC 7540 8.1.2.5), as Go does.
 *
 * <h2>Body</h2>
 * END_STREAM on the HEADERS means no body. Otherwise a body follows; without a {@code content-length} its length is
 * unknown, which Go's server reports as {@code ContentLength = -1} and its transport sends chunked: we say so to the
 * proxy with {@code Transfer-Encoding: chunked}.
 */
final class EdgeRequests {

    private static final String COOKIE = "cookie";

    private EdgeRequests() {}

    /** What a stream carries, from its first HEADERS frame. */
    enum StreamType { CONTROL_STREAM, CONFIGURATION, WEBSOCKET, TCP, HTTP }

    static StreamType typeOf(Http2Headers headers) {
        CharSequence upgrade = headers.get(Http2Wire.UPGRADE);
        String value = upgrade == null ? "" : upgrade.toString();
        CharSequence source = headers.get(Http2Wire.TCP_PROXY_SRC);
        if (value.equals(Http2Wire.UPGRADE_CONFIGURATION)) {
            return StreamType.CONFIGURATION;
        } else if (value.equals(Http2Wire.UPGRADE_WEBSOCKET)) {
            return StreamType.WEBSOCKET;
        } else if (source != null && source.length() > 0) {
            return StreamType.TCP;
        } else if (value.equals(Http2Wire.UPGRADE_CONTROL_STREAM)) {
            return StreamType.CONTROL_STREAM;
        }
        return StreamType.HTTP;
    }

    /**
     * The tunnel request of a proxied stream.
     *
     * @param kind http, websocket or tcp
     * @param streamId for the request id when there is no {@code cf-ray}
     */
    static TunnelRequest decode(TunnelRequest.Kind kind, Http2Headers h2, boolean endStream, int streamId,
            EventLoop loop, BodySource body) {
        HttpHeaders headers = userHeaders(h2);
        String authority = h2.authority() != null ? h2.authority().toString() : headers.get(HttpHeaderNames.HOST, "");
        headers.remove(HttpHeaderNames.HOST);
        String requestId = headers.get("Cf-Ray", "stream-" + streamId);
        if (kind == TunnelRequest.Kind.TCP) {
            return new TunnelRequest(kind, authority, "", "", "", headers, requestId, loop, body);
        }
        if (kind == TunnelRequest.Kind.HTTP && !endStream && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        String method = h2.method() != null ? h2.method().toString() : "GET";
        String path = h2.path() != null && h2.path().length() > 0 ? h2.path().toString() : "/";
        String scheme = h2.scheme() != null && h2.scheme().length() > 0 ? h2.scheme().toString() : "http";
        String destination = scheme + "://" + authority + (path.equals("*") ? "" : path);
        return new TunnelRequest(kind, destination, method, authority, path, headers, requestId, loop, body);
    }

    private static HttpHeaders userHeaders(Http2Headers h2) {
        HttpHeaders headers = new DefaultHttpHeaders(false);
        List<String> cookies = new ArrayList<>(1);
        for (Map.Entry<CharSequence, CharSequence> header : h2) {
            String name = header.getKey().toString();
            if (name.startsWith(":") || name.regionMatches(true, 0, Http2Wire.INTERNAL_PREFIX, 0,
                    Http2Wire.INTERNAL_PREFIX.length())) {
                continue;
            }
            if (name.equalsIgnoreCase(COOKIE)) {
                cookies.add(header.getValue().toString());
            } else {
                headers.add(CanonicalHeaderName.of(name), header.getValue());
            }
        }
        if (!cookies.isEmpty()) {
            headers.add("Cookie", String.join("; ", cookies));
        }
        return headers;
    }
}
