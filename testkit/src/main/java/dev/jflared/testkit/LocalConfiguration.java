package dev.jflared.testkit;

import static java.util.Objects.requireNonNull;

import dev.jflared.transport.Protocol;

/**
 * What a connector sent with {@code updateLocalConfiguration}: its locally managed configuration as JSON.
 *
 * @param connIndex the connection it came over
 * @param protocol that connection's transport
 * @param json the configuration exactly as sent
 */
public record LocalConfiguration(int connIndex, Protocol protocol, String json) {

    public LocalConfiguration {
        requireNonNull(protocol, "protocol");
        requireNonNull(json, "json");
    }
}
