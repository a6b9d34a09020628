package dev.jflared.testkit;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * An eyeball request as the edge forwards it to a connector, whatever the transport: the method, host and
 * path, and the headers as the connector is to see them (Go's canonical names, hop-by-hop headers removed, the
 * edge's {@code Cf-*} and {@code X-Forwarded-*} added), sorted by name.
 *
 * @param websocket whether the eyeball asked to upgrade to a websocket ({@code Upgrade} and {@code Connection}
 *     are then not among the headers, as with the real edge: shared/protocol/NOTES.md)
 * @param hasBody whether a body follows (the request had {@code Content-Length} or was chunked, and is no websocket)
 */
record EdgeRequest(String method, String host, String uri, List<Map.Entry<String, String>> headers,
        boolean websocket, boolean hasBody) {

    EdgeRequest {
        requireNonNull(method, "method");
        requireNonNull(host, "host");
        requireNonNull(uri, "uri");
        headers = List.copyOf(headers);
    }

    /** {@code http://<host><uri>}, the {@code dest} the stand-in edge of shared/golden sends. */
    String destination() {
        return "http://" + host + uri;
    }
}
