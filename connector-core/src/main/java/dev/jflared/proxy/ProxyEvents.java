package dev.jflared.proxy;

import java.time.Duration;

/**
 * What the proxy reports for metrics, one call per event, on the request's event loop. A metrics module implements
 * it with cloudflared's names; every method does nothing by default, and {@link #NOOP} is the default instance.
 * Implementations must be cheap and thread-safe (requests run on many loops).
 *
 * <table>
 *   <caption>cloudflared metric fed by each event</caption>
 *   <tr><th>event</th><th>cloudflared metric ({@code proxy/metrics.go})</th></tr>
 *   <tr><td>{@link #requestStarted}</td><td>{@code cloudflared_tunnel_total_requests} +1,
 *       {@code cloudflared_tunnel_concurrent_requests_per_tunnel} +1</td></tr>
 *   <tr><td>{@link #requestFinished}</td><td>{@code cloudflared_tunnel_concurrent_requests_per_tunnel} -1</td></tr>
 *   <tr><td>{@link #responded}</td><td>{@code cloudflared_tunnel_response_by_code{status_code}} +1</td></tr>
 *   <tr><td>{@link #originError}</td><td>{@code cloudflared_tunnel_request_errors} +1</td></tr>
 *   <tr><td>{@link #tcpSessionStarted} / {@link #tcpSessionFinished}</td><td>{@code cloudflared_tcp_total_sessions}
 *       +1 and {@code cloudflared_tcp_active_sessions} +1 / -1</td></tr>
 *   <tr><td>{@link #streamConnected} / {@link #streamConnectFailed}</td><td>{@code cloudflared_proxy_connect_latency}
 *       (ms) / {@code cloudflared_proxy_connect_streams_errors} +1</td></tr>
 * </table>
 */
public interface ProxyEvents {

    /** Does nothing. */
    ProxyEvents NOOP = new ProxyEvents() {};

    /** A request entered the proxy. */
    default void requestStarted(TunnelRequest request) {}

    /** A request left the proxy: its response ended, was aborted, or failed. Called once per started request. */
    default void requestFinished(TunnelRequest request) {}

    /** A response head went back to the edge with {@code status}, from the origin or the connector. */
    default void responded(TunnelRequest request, int status, ResponseHead.Source source) {}

    /** The origin of rule {@code ruleIndex} (0-based; -1 when no rule applies) failed the request. */
    default void originError(TunnelRequest request, int ruleIndex, Throwable cause) {}

    /** A tcp stream session (kind tcp) started. */
    default void tcpSessionStarted(TunnelRequest request) {}

    /** A tcp stream session ended. */
    default void tcpSessionFinished(TunnelRequest request) {}

    /** A stream origin (tcp, ssh, bastion, ...) was connected and acknowledged after {@code latency}. */
    default void streamConnected(TunnelRequest request, Duration latency) {}

    /** A stream origin could not be connected. */
    default void streamConnectFailed(TunnelRequest request, Throwable cause) {}
}
