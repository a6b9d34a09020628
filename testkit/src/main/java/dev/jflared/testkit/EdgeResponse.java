package dev.jflared.testkit;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A connector's answer to an {@link EdgeRequest}, whatever the transport.
 *
 * @param status the origin's status; 0 when {@code error} is set
 * @param headers the origin's headers, in the connector's order
 * @param error why the connector could not reach the origin; empty on success
 */
record EdgeResponse(int status, List<Map.Entry<String, String>> headers, String error) {

    EdgeResponse {
        headers = List.copyOf(headers);
        requireNonNull(error, "error");
    }

    static EdgeResponse failed(String error) {
        return new EdgeResponse(0, List.of(), error);
    }
}
