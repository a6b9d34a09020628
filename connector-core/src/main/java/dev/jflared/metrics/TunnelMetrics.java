package dev.jflared.metrics;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connection-level metrics of cloudflared's {@code connection/metrics.go} and {@code supervisor/metrics.go}: HA
 * connections, edge locations, registration outcomes and local configuration pushes. Names, types and labels
 * are cloudflared's; the help texts say the same in our words.
 *
 * <p>cloudflared also registers {@code cloudflared_tunnel_max_concurrent_requests_per_tunnel},
 * {@code cloudflared_tunnel_user_hostnames_counts} and {@code tunnel_ids} as labelled families that no code path
 * of a named tunnel writes, so it never exposes them; we leave them out rather than register dead families.
 */
public final class TunnelMetrics {

    /** The {@code rpcName} label cloudflared uses for connection registration. */
    public static final String REGISTER_CONNECTION = "registerConnection";
    /** The {@code error} label value when the edge reports a duplicate connection. */
    public static final String ERROR_DUPLICATE_CONNECTION = "dup_edge_conn";
    /** The {@code error} label value for any other registration error returned by the edge. */
    public static final String ERROR_SERVER = "server_error";

    private final Gauge haConnections;
    private final MetricFamily<Gauge> serverLocations;
    private final MetricFamily<Counter> registerSuccess;
    private final MetricFamily<Counter> registerFail;
    private final MetricFamily<Counter> rpcFail;
    private final Counter localConfigPushes;
    private final Counter localConfigPushErrors;
    /** Last location per connection index, so a move decrements the old location (connection/metrics.go). */
    private final Map<String, String> currentLocations = new ConcurrentHashMap<>();

    TunnelMetrics(MetricRegistry registry) {
        haConnections = registry.gauge("cloudflared_tunnel_ha_connections",
                "Number of HA connections currently active");
        serverLocations = registry.gaugeFamily("cloudflared_tunnel_server_locations",
                "Edge location of each connection: 1 for the current location, 0 for locations it used before.",
                "connection_id", "edge_location");
        registerSuccess = registry.counterFamily("cloudflared_tunnel_tunnel_register_success",
                "Number of tunnel registrations that succeeded", "rpcName");
        registerFail = registry.counterFamily("cloudflared_tunnel_tunnel_register_fail",
                "Number of tunnel registrations that failed, by type of error", "error", "rpcName");
        rpcFail = registry.counterFamily("cloudflared_tunnel_tunnel_rpc_fail",
                "Number of RPC connection errors, by type of error", "error", "rpcName");
        localConfigPushes = registry.counter("cloudflared_config_local_config_pushes",
                "Number of times the local configuration was pushed to the edge");
        localConfigPushErrors = registry.counter("cloudflared_config_local_config_pushes_errors",
                "Number of local configuration pushes to the edge that failed");
    }

    /** A connection registered and now serves: one more HA connection. */
    public void haConnectionUp() {
        haConnections.inc();
    }

    /** A connection that was counted by {@link #haConnectionUp()} stopped serving. */
    public void haConnectionDown() {
        haConnections.dec();
    }

    /** The number of HA connections currently counted. */
    public long haConnections() {
        return (long) haConnections.get();
    }

    /**
     * Connection {@code connIndex} is now served from edge {@code location} (e.g. {@code lhr01}): that location
     * goes to 1, and the location the connection used before, if different, goes down by one. Calls for one
     * connection index come from the code that owns that connection, one at a time.
     */
    public void serverLocation(int connIndex, String location) {
        Objects.requireNonNull(location, "location");
        String connectionId = Integer.toString(connIndex);
        String previous = currentLocations.put(connectionId, location);
        if (location.equals(previous)) {
            return;
        }
        if (previous != null) {
            serverLocations.labels(connectionId, previous).dec();
        }
        serverLocations.labels(connectionId, location).inc();
    }

    /** {@code registerConnection} succeeded. */
    public void registerSuccess() {
        registerSuccess(REGISTER_CONNECTION);
    }

    /** The registration RPC {@code rpcName} succeeded. */
    public void registerSuccess(String rpcName) {
        registerSuccess.labels(rpcName).inc();
    }

    /**
     * {@code registerConnection} failed with {@code error}: {@link #ERROR_DUPLICATE_CONNECTION} or
     * {@link #ERROR_SERVER}, the two values cloudflared uses.
     */
    public void registerFail(String error) {
        registerFail(error, REGISTER_CONNECTION);
    }

    /** The registration RPC {@code rpcName} failed with the error type {@code error}. */
    public void registerFail(String error, String rpcName) {
        registerFail.labels(error, rpcName).inc();
    }

    /** The RPC {@code rpcName} could not be carried out (stream or transport error) with error type {@code error}. */
    public void rpcFail(String error, String rpcName) {
        rpcFail.labels(error, rpcName).inc();
    }

    /** The local configuration was sent to the edge ({@code updateLocalConfiguration}); {@code ok} if accepted. */
    public void localConfigPush(boolean ok) {
        localConfigPushes.inc();
        if (!ok) {
            localConfigPushErrors.inc();
        }
    }
}
