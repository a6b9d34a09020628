package dev.jflared.http2;

import dev.jflared.proxy.ResponseHead;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HEADERS frame of a response to the edge, as cloudflared's {@code http2RespWriter.WriteRespHeaders} builds it
 * ({@code connection/http2.go}, {@code connection/header.go}; golden stream3, 5, 7, 11):
 * <ul>
 *   <li>{@code :status}, with 101 sent as 200 (HTTP/2 has no 101, RFC 7540 8.1.1);</li>
 *   <li>{@code cf-cloudflared-response-headers}: every origin header, names in Go's canonical form, serialized by
 *       {@link SerializedHeaders}; headers named {@code :…}, {@code cf-int-…} or {@code cf-cloudflared-…} are
 *       internal and left out;</li>
 *   <li>{@code content-length} also as a real header, because the edge uses it;</li>
 *   <li>{@code cf-int-cloudflared-tracing} only as a real header;</li>
 *   <li>{@code cf-cloudflared-response-meta}: {@code {"src":"origin"}} or {@code {"src":"cloudflared"}}.</li>
 * </ul>
 * The real {@code content-type} and {@code date} headers in the captures come from Go's response writer (content
 * sniffing, not the origin's type); the edge reads the serialized ones, so they are not imitated.
 */
final class EdgeResponseHeaders {

    private static final String CONTENT_LENGTH = "content-length";

    private EdgeResponseHeaders() {}

    /** The HEADERS of a response the origin (or a built-in origin) produced. */
    static Http2Headers of(ResponseHead head) {
        int status = head.status() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()
                ? HttpResponseStatus.OK.code() : head.status();
        Http2Headers out = new DefaultHttp2Headers().status(Integer.toString(status));
        List<Map.Entry<String, String>> user = new ArrayList<>(head.headers().size());
        for (Map.Entry<String, String> header : head.headers()) {
            String lower = header.getKey().toLowerCase(Locale.ROOT);
            if (lower.equals(CONTENT_LENGTH)) {
                out.add(HttpHeaderNames.CONTENT_LENGTH, header.getValue());
            }
            if (Http2Wire.TRACING.contentEqualsIgnoreCase(lower)) {
                out.add(Http2Wire.TRACING, header.getValue());
            } else if (!isInternal(lower)) {
                user.add(new AbstractMap.SimpleImmutableEntry<>(CanonicalHeaderName.of(header.getKey()),
                        header.getValue()));
            }
        }
        out.set(Http2Wire.RESPONSE_USER_HEADERS, SerializedHeaders.serialize(user));
        out.set(Http2Wire.RESPONSE_META, head.source() == ResponseHead.Source.ORIGIN
                ? Http2Wire.META_ORIGIN : Http2Wire.META_CLOUDFLARED);
        return out;
    }

    /** The HEADERS of the connector's own failure answer: 502 and {@code src=cloudflared}, no user headers. */
    static Http2Headers badGateway() {
        return new DefaultHttp2Headers()
                .status(HttpResponseStatus.BAD_GATEWAY.codeAsText())
                .set(Http2Wire.RESPONSE_META, Http2Wire.META_CLOUDFLARED);
    }

    /** cloudflared's IsControlResponseHeader, on a lower-cased name. */
    static boolean isInternal(String lowerName) {
        return lowerName.startsWith(":") || lowerName.startsWith(Http2Wire.INT_PREFIX)
                || lowerName.startsWith(Http2Wire.INTERNAL_PREFIX);
    }
}
