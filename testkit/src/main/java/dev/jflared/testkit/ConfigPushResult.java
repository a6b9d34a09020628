package dev.jflared.testkit;

import static java.util.Objects.requireNonNull;

import dev.jflared.transport.Protocol;

/**
 * How one connection answered a configuration push ({@code ConfigurationManager.updateConfiguration}).
 *
 * @param connIndex the connection's index
 * @param protocol the connection's transport
 * @param lastAppliedVersion the version the connector now runs; -1 when the push failed before an answer came
 * @param err the connector's error, or why the push failed; empty on success
 */
public record ConfigPushResult(int connIndex, Protocol protocol, int lastAppliedVersion, String err) {

    public ConfigPushResult {
        requireNonNull(protocol, "protocol");
        requireNonNull(err, "err");
    }

    /** Whether the connector answered without an error. */
    public boolean ok() {
        return err.isEmpty();
    }
}
