package dev.jflared.metrics;

import java.time.Duration;

/**
 * Request metrics of cloudflared's {@code proxy/metrics.go}: totals, concurrency, status codes, errors, TCP
 * sessions and stream connect latency. Called on the event loop per request, so every method is a lock-free
 * add.
 *
 * <p>Usage by the origin proxy, per request: {@link #requestStarted()} (or {@link #tcpSessionStarted()}), then
 * {@link #responseCode(int)} or {@link #requestError()}, and always {@link #requestFinished()} (or
 * {@link #tcpSessionFinished()}) once the stream is done.
 */
public final class ProxyMetrics {

    /** cloudflared's connect latency buckets, in milliseconds. */
    static final double[] CONNECT_LATENCY_BUCKETS_MS = {1, 10, 25, 50, 100, 500, 1000, 5000};

    private final Counter totalRequests;
    private final Gauge concurrentRequests;
    private final MetricFamily<Counter> responseByCode;
    private final Counter requestErrors;
    private final Gauge activeTcpSessions;
    private final Counter totalTcpSessions;
    private final Histogram connectLatency;
    private final Counter connectStreamErrors;

    ProxyMetrics(MetricRegistry registry) {
        totalRequests = registry.counter("cloudflared_tunnel_total_requests",
                "Number of requests proxied through all tunnels");
        concurrentRequests = registry.gauge("cloudflared_tunnel_concurrent_requests_per_tunnel",
                "Number of requests being proxied through each tunnel right now");
        responseByCode = registry.counterFamily("cloudflared_tunnel_response_by_code",
                "Number of responses, by HTTP status code", "status_code");
        requestErrors = registry.counter("cloudflared_tunnel_request_errors",
                "Number of errors while proxying to the origin");
        activeTcpSessions = registry.gauge("cloudflared_tcp_active_sessions",
                "Number of TCP sessions being proxied to any origin right now");
        totalTcpSessions = registry.counter("cloudflared_tcp_total_sessions",
                "Number of TCP sessions proxied to any origin so far");
        connectLatency = registry.histogram("cloudflared_proxy_connect_latency",
                "Time to establish and acknowledge a stream connection, in milliseconds",
                CONNECT_LATENCY_BUCKETS_MS);
        connectStreamErrors = registry.counter("cloudflared_proxy_connect_streams_errors",
                "Number of stream connections that could not be established or acknowledged");
    }

    /** An HTTP or websocket request arrived from the edge. */
    public void requestStarted() {
        totalRequests.inc();
        concurrentRequests.inc();
    }

    /** A request counted by {@link #requestStarted()} is finished, whatever its outcome. */
    public void requestFinished() {
        concurrentRequests.dec();
    }

    /** A TCP stream arrived: counts as a request and as a TCP session. */
    public void tcpSessionStarted() {
        requestStarted();
        totalTcpSessions.inc();
        activeTcpSessions.inc();
    }

    /** A TCP session counted by {@link #tcpSessionStarted()} is finished. */
    public void tcpSessionFinished() {
        requestFinished();
        activeTcpSessions.dec();
    }

    /** The response to the edge carried this HTTP status. */
    public void responseCode(int status) {
        responseByCode.labels(Integer.toString(status)).inc();
    }

    /** Proxying a request to its origin failed. */
    public void requestError() {
        requestErrors.inc();
    }

    /** A stream-based (TCP, websocket-as-stream) origin connection was established and acknowledged. */
    public void connectLatency(Duration elapsed) {
        connectLatency.observe(elapsed.toMillis());
    }

    /** A stream-based origin connection could not be established, or the edge was not told it was. */
    public void connectStreamError() {
        connectStreamErrors.inc();
    }
}
