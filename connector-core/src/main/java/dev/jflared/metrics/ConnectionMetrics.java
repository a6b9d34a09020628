package dev.jflared.metrics;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Where one edge connection reports what only its transport or control stream sees: the QUIC figures of its
 * connection index ({@code quic_client_*}, {@link QuicMetrics}), the outcome of the local configuration push
 * ({@code cloudflared_config_local_config_pushes*}, {@link TunnelMetrics#localConfigPush}) and the Cap'n Proto calls
 * made and served on it ({@code cloudflared_rpc_*}, {@link RpcMetrics}). The supervisor makes one
 * per connection index and hands it to the transport in the connect request; a transport takes what applies to it
 * (the HTTP/2 transport has no QUIC figures to give).
 *
 * <pre>{@code
 * ConnectionMetrics metrics = ConnectionMetrics.of(cloudflaredMetrics, connIndex);
 * metrics.quic().ifPresent(quic -> quic.sentBytes(1200));
 * metrics.localConfigPush(true);
 * RpcMetrics.Call call = metrics.startRpcClientCall(RpcMetrics.HANDLER_REGISTRATION,
 *         RpcMetrics.METHOD_REGISTER_CONNECTION);
 * ...
 * call.end(failed);
 * }</pre>
 *
 * {@link #none()} records nothing, for a tunnel without metrics (an embedded tunnel without a metrics address):
 * {@link #quic()} is then empty, so a transport does not even collect the figures. Immutable and thread-safe.
 */
public final class ConnectionMetrics {

    private static final ConnectionMetrics NONE = new ConnectionMetrics(null, null, null);

    // All null for NONE, all set otherwise.
    private final TunnelMetrics tunnel;
    private final RpcMetrics rpc;
    private final QuicMetrics.Connection quic;

    private ConnectionMetrics(TunnelMetrics tunnel, RpcMetrics rpc, QuicMetrics.Connection quic) {
        this.tunnel = tunnel;
        this.rpc = rpc;
        this.quic = quic;
    }

    /** Records nothing. */
    public static ConnectionMetrics none() {
        return NONE;
    }

    /** Records into {@code metrics}, QUIC figures labelled {@code conn_index=connIndex}. */
    public static ConnectionMetrics of(CloudflaredMetrics metrics, int connIndex) {
        requireNonNull(metrics, "metrics");
        return new ConnectionMetrics(metrics.tunnel(), metrics.rpc(), metrics.quic().connection(connIndex));
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

    /** Starts timing a call this connection makes to the edge's {@code handler} ({@link RpcMetrics} labels). */
    public RpcMetrics.Call startRpcClientCall(String handler, String method) {
        return rpc == null ? RpcMetrics.Call.none() : rpc.startClientCall(handler, method);
    }

    /** Starts timing a call the edge makes to our {@code handler} on this connection. */
    public RpcMetrics.Call startRpcServerCall(String handler, String method) {
        return rpc == null ? RpcMetrics.Call.none() : rpc.startServerCall(handler, method);
    }

    @Override
    public String toString() {
        return this == NONE ? "ConnectionMetrics(none)" : "ConnectionMetrics(" + quic + ")";
    }
}
