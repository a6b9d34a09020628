package dev.jflared.metrics;

import java.time.Duration;

/**
 * Cap'n Proto RPC metrics of cloudflared's {@code tunnelrpc/metrics/metrics.go}, labelled by {@code handler}
 * (the RPC interface) and {@code method}. The label values cloudflared uses are the constants below.
 *
 * <p>Per call: {@link #clientOperation}, then {@link #clientFailure} if it failed, and {@link #clientLatency}
 * with the time it took; likewise for the calls the edge makes to us ({@code server*}). {@link #startClientCall}
 * and {@link #startServerCall} do all three when the call ends.
 */
public final class RpcMetrics {

    /** {@code handler} of the edge's RegistrationServer. */
    public static final String HANDLER_REGISTRATION = "registration";
    /** {@code handler} of our ConfigurationManager (remote configuration updates). */
    public static final String HANDLER_CONFIGURATION = "config";
    /** {@code handler} of our SessionManager (UDP sessions). */
    public static final String HANDLER_SESSION = "session";
    /** {@code handler} of CloudflaredServer as a whole. */
    public static final String HANDLER_CLOUDFLARED = "cloudflared";

    public static final String METHOD_REGISTER_CONNECTION = "register_connection";
    public static final String METHOD_UNREGISTER_CONNECTION = "unregister_connection";
    public static final String METHOD_UPDATE_LOCAL_CONFIGURATION = "update_local_configuration";
    public static final String METHOD_UPDATE_CONFIGURATION = "update_configuration";
    public static final String METHOD_REGISTER_UDP_SESSION = "register_udp_session";
    public static final String METHOD_UNREGISTER_UDP_SESSION = "unregister_udp_session";

    /** 50 ms growing by 3x over 5 buckets, in seconds, like cloudflared's {@code ExponentialBuckets(0.05, 3, 5)}. */
    static final double[] LATENCY_BUCKETS_SECONDS = Histogram.exponentialBounds(0.05, 3, 5);

    private final MetricFamily<Counter> serverOperations;
    private final MetricFamily<Counter> serverFailures;
    private final MetricFamily<Histogram> serverLatency;
    private final MetricFamily<Counter> clientOperations;
    private final MetricFamily<Counter> clientFailures;
    private final MetricFamily<Histogram> clientLatency;

    RpcMetrics(MetricRegistry registry) {
        serverOperations = registry.counterFamily("cloudflared_rpc_server_operations",
                "Number of RPC calls served, by handler and method", "handler", "method");
        serverFailures = registry.counterFamily("cloudflared_rpc_server_failures",
                "Number of RPC calls served that failed, by handler and method", "handler", "method");
        serverLatency = registry.histogramFamily("cloudflared_rpc_server_latency_secs",
                "Time to serve RPC calls, by handler and method, in seconds", LATENCY_BUCKETS_SECONDS,
                "handler", "method");
        clientOperations = registry.counterFamily("cloudflared_rpc_client_operations",
                "Number of RPC calls made, by handler and method", "handler", "method");
        clientFailures = registry.counterFamily("cloudflared_rpc_client_failures",
                "Number of RPC calls made that failed, by handler and method", "handler", "method");
        clientLatency = registry.histogramFamily("cloudflared_rpc_client_latency_secs",
                "Time for RPC calls made to complete, by handler and method, in seconds", LATENCY_BUCKETS_SECONDS,
                "handler", "method");
    }

    /** Starts timing a call we make to {@code method} of the edge's {@code handler}; see {@link Call#end}. */
    public Call startClientCall(String handler, String method) {
        return new Call(this, true, handler, method, System.nanoTime());
    }

    /** Starts timing a call the edge makes to {@code method} of our {@code handler}; see {@link Call#end}. */
    public Call startServerCall(String handler, String method) {
        return new Call(this, false, handler, method, System.nanoTime());
    }

    /** We called {@code method} of the edge's {@code handler}. */
    public void clientOperation(String handler, String method) {
        clientOperations.labels(handler, method).inc();
    }

    /** A call we made failed. */
    public void clientFailure(String handler, String method) {
        clientFailures.labels(handler, method).inc();
    }

    /** A call we made took {@code elapsed}. */
    public void clientLatency(String handler, String method, Duration elapsed) {
        clientLatency.labels(handler, method).observe(seconds(elapsed));
    }

    /** The edge called {@code method} of our {@code handler}. */
    public void serverOperation(String handler, String method) {
        serverOperations.labels(handler, method).inc();
    }

    /** A call the edge made to us failed. */
    public void serverFailure(String handler, String method) {
        serverFailures.labels(handler, method).inc();
    }

    /** Serving a call of the edge took {@code elapsed}. */
    public void serverLatency(String handler, String method, Duration elapsed) {
        serverLatency.labels(handler, method).observe(seconds(elapsed));
    }

    /**
     * One RPC call being timed. {@link #end} records it as cloudflared's {@code ObserveServerHandler} and
     * registration client do: the operation, its latency, and a failure when it failed. Ending twice records twice;
     * call it once.
     */
    public static final class Call {

        private static final Call NONE = new Call(null, false, "", "", 0);

        private final RpcMetrics metrics;
        private final boolean client;
        private final String handler;
        private final String method;
        private final long startNanos;

        private Call(RpcMetrics metrics, boolean client, String handler, String method, long startNanos) {
            this.metrics = metrics;
            this.client = client;
            this.handler = handler;
            this.method = method;
            this.startNanos = startNanos;
        }

        /** A call that records nothing, for a tunnel without metrics. */
        public static Call none() {
            return NONE;
        }

        /** The call ended; {@code failed} when it got no answer, an RPC exception or a refusal. */
        public void end(boolean failed) {
            if (metrics == null) {
                return;
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
            if (client) {
                metrics.clientOperation(handler, method);
                metrics.clientLatency(handler, method, elapsed);
                if (failed) {
                    metrics.clientFailure(handler, method);
                }
            } else {
                metrics.serverOperation(handler, method);
                metrics.serverLatency(handler, method, elapsed);
                if (failed) {
                    metrics.serverFailure(handler, method);
                }
            }
        }
    }

    private static double seconds(Duration elapsed) {
        return elapsed.toNanos() / 1e9;
    }
}
