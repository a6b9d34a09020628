package dev.jflared.supervisor;

import dev.jflared.edge.EdgeAddress;
import dev.jflared.metrics.ConnectionMetrics;
import dev.jflared.transport.EdgeConnection;
import dev.jflared.transport.Protocol;
import io.netty.util.Timeout;
import java.util.concurrent.CompletableFuture;

/**
 * The state of one HA connection index. Owned by the supervisor's event loop: only touched there.
 *
 * <p>At any time a slot is dialling ({@link #connecting}), serving ({@link #connection}), waiting to retry
 * ({@link #retry}), draining after a graceful shutdown ({@link #draining}), or idle; only an idle slot lets the
 * supervisor terminate.
 */
final class ConnectionSlot {

    final int index;
    final ReconnectBackoff backoff;
    // What every attempt of this index reports into, handed to the transport.
    final ConnectionMetrics metrics;
    // The protocol of the next attempt; switches to the fallback once under --protocol auto.
    Protocol protocol;
    // The address of the current or last attempt, for log lines; null before the first attempt.
    EdgeAddress address;
    CompletableFuture<EdgeConnection> connecting;
    EdgeConnection connection;
    CompletableFuture<Void> draining;
    Timeout retry;
    // Set when the slot registered since its last failure: cloudflared then announces a 1s backoff.
    boolean registeredSinceFailure;
    // Consecutive failures to reach the edge at all; past --max-edge-addr-retries, auto falls back.
    int connectivityFailures;

    ConnectionSlot(int index, ReconnectBackoff backoff, Protocol protocol, ConnectionMetrics metrics) {
        this.index = index;
        this.backoff = backoff;
        this.metrics = metrics;
        this.protocol = protocol;
    }

    /** Whether nothing is in progress; with {@code ignoreConnecting}, an attempt in flight does not count. */
    boolean idle(boolean ignoreConnecting) {
        return connection == null && draining == null && retry == null && (ignoreConnecting || connecting == null);
    }

    void cancelRetry() {
        if (retry != null) {
            retry.cancel();
            retry = null;
        }
    }
}
