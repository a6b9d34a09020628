package dev.jflared.testkit;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetSocketAddress;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns an eyeball's HTTP/1.1 request into the {@link EdgeRequest} a connector sees, as the stand-in edge of
 * shared/golden did: Go-canonical header names, hop-by-hop headers dropped (so a websocket request carries no
 * {@code Upgrade}/{@code Connection}: NOTES.md), the edge's {@code Cf-Ray}, {@code Cf-Connecting-Ip},
 * {@code Cf-Visitor}, {@code X-Forwarded-For} and {@code X-Forwarded-Proto} added, sorted by name.
 *
 * <p>A websocket request also loses {@code Content-Length} and {@code Transfer-Encoding}: its stream carries the
 * websocket's bytes, not a body, and some clients (the JDK's) send {@code Content-Length: 0} with the upgrade. Over
 * HTTP/2 that header would declare the stream's DATA length, and an HTTP/2 server (Netty's, or Go's in cloudflared)
 * resets a stream whose DATA exceed it (RFC 9113 section 8.1.1). The edge's websocket request in
 * shared/golden/http2/decoded/h2-streams/stream7.txt has neither header.
 */
final class EyeballRequests {

    /** Lower-case names the edge does not forward: hop-by-hop, or replaced by its own. */
    private static final Set<String> DROPPED = Set.of("host", "connection", "keep-alive", "proxy-connection",
            "upgrade", "http2-settings", "te", "cf-ray", "cf-connecting-ip", "cf-visitor", "x-forwarded-proto");
    /** Lower-case names a websocket request does not forward: body framing, when there is no body. */
    private static final Set<String> BODY_FRAMING = Set.of("content-length", "transfer-encoding");

    private EyeballRequests() {}

    static EdgeRequest toEdgeRequest(HttpRequest request, InetSocketAddress eyeball, InetSocketAddress local,
            String location) {
        String host = request.headers().get(HttpHeaderNames.HOST, HostPort.format(local));
        boolean websocket = "websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE));
        String ip = eyeball.getAddress().getHostAddress();
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        String forwardedFor = ip;
        for (Map.Entry<String, String> header : request.headers()) {
            String lower = header.getKey().toLowerCase(Locale.ROOT);
            if (lower.equals("x-forwarded-for")) {
                forwardedFor = header.getValue() + ", " + ip;
            } else if (!DROPPED.contains(lower) && !(websocket && BODY_FRAMING.contains(lower))) {
                headers.add(entry(canonical(header.getKey()), header.getValue()));
            }
        }
        headers.add(entry("Cf-Ray", rayId(location)));
        headers.add(entry("Cf-Connecting-Ip", ip));
        headers.add(entry("Cf-Visitor", "{\"scheme\":\"http\"}"));
        headers.add(entry("X-Forwarded-For", forwardedFor));
        headers.add(entry("X-Forwarded-Proto", "http"));
        headers.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
        boolean hasBody = !websocket
                && (HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0);
        return new EdgeRequest(request.method().name(), host, request.uri(), headers, websocket, hasBody);
    }

    /** Go's {@code http.CanonicalHeaderKey}: upper case after each dash and at the start, lower case elsewhere. */
    static String canonical(String name) {
        char[] chars = name.toCharArray();
        boolean upper = true;
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            if (c == ' ' || c > 0x7e) {
                return name;
            }
            chars[i] = upper ? Character.toUpperCase(c) : Character.toLowerCase(c);
            upper = c == '-';
        }
        return new String(chars);
    }

    /** A ray id like the edge's: 16 hex digits, a dash, the location. */
    static String rayId(String location) {
        return String.format("%016x-%s", ThreadLocalRandom.current().nextLong(), location);
    }

    private static Map.Entry<String, String> entry(String name, String value) {
        return new AbstractMap.SimpleImmutableEntry<>(name, value);
    }
}
