package dev.jflared.proxy;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * The status and headers of a response, and who produced it.
 *
 * @param status the HTTP status; {@code 101} when a websocket was accepted (HTTP/2 transports send 200), and
 *     {@code 200} for an accepted tcp stream
 * @param headers the response headers as the origin sent them, hop-by-hop ones removed
 * @param source whether the origin answered or the connector did
 */
public record ResponseHead(int status, HttpHeaders headers, Source source) {

    public ResponseHead {
        requireNonNull(headers, "headers");
        requireNonNull(source, "source");
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status must be in 100..999: " + status);
        }
    }

    /**
     * Who produced a response: HTTP/2 transports send it as {@code cf-cloudflared-response-meta}
     * ({@code {"src":"origin"}} or {@code {"src":"cloudflared"}}, cloudflared {@code connection/header.go}).
     */
    public enum Source {
        /** The origin (including built-in origins such as {@code http_status} and {@code hello_world}). */
        ORIGIN,
        /** The connector itself, because the origin could not be reached. */
        CLOUDFLARED
    }
}
