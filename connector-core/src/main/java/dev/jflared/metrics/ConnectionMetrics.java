package dev.jflared.metrics;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Where one edge connection reports what only its transport or control stream sees: the QUIC figures of its
 * connection index ({@code quic_client_*}, {@link QuicMetrics}) and the outcome of the local configuration push
 * ({@code cloudflared_config_local_config_pushes*}, {@link TunnelMetrics#localConfigPush}). The supervisor makes one
 * per connection index and hands it to the transport in the connect request; a transport takes what applies to it
 * (the HTTP/2 transport has no QUIC figures to give).
 *
 * <pre>{@code
 * ConnectionMetrics metrics = ConnectionMetrics.of(cloudflaredMetrics, connIndex);
 * metrics.quic().ifPresent(quic -> quic.sentBytes(1200));
 * metrics.localConfigPush(true);
 * }</pre>
 *
 * {@link #none()} records nothing, for a tunnel without metrics (an embedded tunnel without a metrics address):
 * {@link #quic()} is then empty, so a transport does not even collect the figures. Immutable and thread-safe.
 */
public final class ConnectionMetrics {

    private static final ConnectionMetrics NONE = new ConnectionMetrics(null, null);

    // Both null for NONE, both set otherwise.
    private final TunnelMetrics tunnel;
    private final QuicMetrics.Connection quic;

    private ConnectionMetrics(TunnelMetrics tunnel, QuicMetrics.Connection quic) {
        this.tunnel = tunnel;
        this.quic = quic;
    }

    /** Records nothing. */
    public static ConnectionMetrics none() {
        return NONE;
    }

    /** Records into {@code metrics}, QUIC figures labelled {@code conn_index=connIndex}. */
    public static ConnectionMetrics of(CloudflaredMetrics metrics, int connIndex) {
        requireNonNull(metrics, "metrics");
        return new ConnectionMetrics(metrics.tunnel(), metrics.quic().connection(connIndex));
    }

    /** Where a QUIC transport reports this connection's figures; empty when nothing is recorded. */
    public Optional<QuicMetrics.Connection> quic() {
        return Optional.ofNullable(quic);
    }

    /** Connection 0 sent the local configuration ({@code updateLocalConfiguration}); {@code ok} if the edge took it. */
    public void localConfigPush(boolean ok) {
        if (tunnel != null) {
            tunnel.localConfigPush(ok);
        }
    }

    @Override
    public String toString() {
        return this == NONE ? "ConnectionMetrics(none)" : "ConnectionMetrics(" + quic + ")";
    }
}
