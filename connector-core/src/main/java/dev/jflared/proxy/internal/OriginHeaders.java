package dev.jflared.proxy.internal;

import dev.jflared.ingress.OriginService;
import dev.jflared.proxy.TunnelRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The headers cloudflared sends to an HTTP origin and passes back from it ({@code proxy/proxy.go},
 * {@code ingress/origin_proxy.go}).
 *
 * <h2>Toward the origin</h2>
 * <ul>
 *   <li>Hop-by-hop headers are dropped (those {@code Connection} lists too); then {@code Connection: keep-alive}
 *       is set, or for a websocket {@code Connection: Upgrade}, {@code Upgrade: websocket} and
 *       {@code Sec-WebSocket-Version: 13}, with no body.</li>
 *   <li>{@code Host} is the eyeball's, or {@code httpHostHeader} when set, the original going in
 *       {@code X-Forwarded-Host}. cloudflared adds no {@code X-Forwarded-For}/{@code -Proto}: the edge sent them.</li>
 *   <li>One {@code Cf-Warp-Tag-<name>} per connector tag (cloudflared always has {@code ID}, the connector id).</li>
 *   <li>No {@code User-Agent} is invented (cloudflared sets it empty, which Go then leaves out).</li>
 *   <li>The body framing is what Go's {@code transferWriter} writes for cloudflared's request (see
 *       {@link HttpOrigin.Framing}): the eyeball's {@code Content-Length}, {@code Transfer-Encoding: chunked}, nothing
 *       for an unframed body, and for no body {@code Content-Length: 0} on POST, PUT and PATCH only.</li>
 *   <li>{@code Accept-Encoding: gzip} when the request has no {@code Accept-Encoding} and no {@code Range} and is
 *       not a HEAD: cloudflared's {@code http.Transport} leaves {@code DisableCompression} off, so Go asks for gzip
 *       itself ({@code persistConn.roundTrip}) and then gunzips the answer ({@link GunzipSource}).</li>
 * </ul>
 *
 * <h2>From the origin</h2>
 * Everything but hop-by-hop headers ({@code Connection}, {@code Keep-Alive}, {@code Transfer-Encoding}, ...) and
 * Netty's {@code x-http2-*} bookkeeping; a 101 keeps {@code Connection} and {@code Upgrade}.
 */
final class OriginHeaders {

    // RFC 9110 7.6.1 and the older Keep-Alive/Proxy-Connection (Netty deprecates their constants, not the headers).
    private static final List<AsciiString> HOP_BY_HOP = List.of(
            HttpHeaderNames.CONNECTION, AsciiString.cached("keep-alive"), AsciiString.cached("proxy-connection"),
            HttpHeaderNames.TE, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE);
    private static final String TAG_PREFIX = "Cf-Warp-Tag-";

    private OriginHeaders() {}

    /**
     * The request headers for the origin; see the class doc. {@code framing} is how the body goes, and
     * {@code askGzip} whether to ask for gzip as Go's transport does ({@link #asksForGzip}).
     */
    static HttpHeaders request(TunnelRequest request, String host, String originalHost, Map<String, String> tags,
                               HttpOrigin.Framing framing, boolean askGzip) {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.add(request.headers());
        removeHopByHop(headers);
        headers.remove(HttpHeaderNames.HOST);
        headers.set(HttpHeaderNames.HOST, host);
        if (!host.equals(originalHost) && !originalHost.isEmpty()) {
            headers.set("X-Forwarded-Host", originalHost);
        }
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            headers.add(TAG_PREFIX + tag.getKey(), tag.getValue());
        }
        if (request.kind() == TunnelRequest.Kind.WEBSOCKET) {
            headers.remove(HttpHeaderNames.CONTENT_LENGTH);
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
            headers.set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
        } else {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            frame(headers, request.method(), framing);
        }
        if (askGzip) {
            headers.add(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.GZIP);
        }
        return headers;
    }

    // Go's transferWriter.shouldSendContentLength: a body of no bytes gets "Content-Length: 0" only on the methods
    // "many servers expect a Content-Length for"; the eyeball's own Content-Length: 0 is not copied (Go writes the
    // length it computed, never the header). LENGTH keeps the eyeball's Content-Length, and UNFRAMED goes with
    // neither header (Transfer-Encoding went with the hop-by-hop headers).
    private static void frame(HttpHeaders headers, String method, HttpOrigin.Framing framing) {
        if (framing == HttpOrigin.Framing.NONE) {
            headers.remove(HttpHeaderNames.CONTENT_LENGTH);
            if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
                headers.set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
            }
        } else if (framing == HttpOrigin.Framing.CHUNKED) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
    }

    /**
     * Whether Go's transport would add {@code Accept-Encoding: gzip} to this request, and so gunzip the answer: no
     * {@code Accept-Encoding} (or an empty one), no {@code Range}, and not a HEAD ({@code persistConn.roundTrip},
     * and the same test in its HTTP/2 transport).
     */
    static boolean asksForGzip(TunnelRequest request) {
        String accept = request.headers().get(HttpHeaderNames.ACCEPT_ENCODING);
        String range = request.headers().get(HttpHeaderNames.RANGE);
        return (accept == null || accept.isEmpty()) && (range == null || range.isEmpty())
                && !request.method().equals("HEAD");
    }

    /** The origin's response headers as they go back to the edge; see the class doc. */
    static HttpHeaders response(HttpHeaders origin, int status) {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.add(origin);
        if (status != 101) {
            removeHopByHop(headers);
        }
        headers.remove("x-http2-stream-id");
        headers.remove("x-http2-scheme");
        return headers;
    }

    /** Whether the eyeball's request carries a body: cloudflared reads one only with a length or chunking. */
    static boolean hasBody(TunnelRequest request) {
        HttpHeaders headers = request.headers();
        String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null) {
            return !length.trim().equals("0");
        }
        return isChunked(headers);
    }

    static boolean isChunked(HttpHeaders headers) {
        String encoding = headers.get(HttpHeaderNames.TRANSFER_ENCODING);
        return encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
    }

    private static void removeHopByHop(HttpHeaders headers) {
        for (String listed : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String name : listed.split(",")) {
                if (!name.isBlank()) {
                    headers.remove(name.trim());
                }
            }
        }
        for (AsciiString name : HOP_BY_HOP) {
            headers.remove(name);
        }
    }

    /** The service URL's path prefix joined with the request's path and query. */
    static String target(OriginService service, String pathAndQuery) {
        if (!(service instanceof OriginService.Http http)) {
            return pathAndQuery;
        }
        String prefix = http.url().getRawPath();
        if (prefix == null || prefix.isEmpty() || prefix.equals("/")) {
            return pathAndQuery;
        }
        return (prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix) + pathAndQuery;
    }
}
