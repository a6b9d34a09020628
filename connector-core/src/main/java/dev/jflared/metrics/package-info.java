/**
 * Metrics with cloudflared's names and the local HTTP server that exposes them.
 *
 * <ul>
 *   <li>{@link dev.jflared.metrics.MetricRegistry}: counters, gauges and histograms (lock-free to record), labelled
 *       families, and {@link dev.jflared.metrics.PrometheusTextFormat} output identical in shape to the Go
 *       client's;</li>
 *   <li>{@link dev.jflared.metrics.CloudflaredMetrics}: every cloudflared metric, registered once, with typed
 *       methods per area ({@code tunnel()}, {@code proxy()}, {@code orchestration()}, {@code rpc()},
 *       {@code quic()});</li>
 *   <li>{@link dev.jflared.metrics.ConnectionMetrics}: the part one edge connection reports itself (its QUIC figures,
 *       its local configuration push), handed by the supervisor to the transport with the connect request;</li>
 *   <li>{@link dev.jflared.metrics.MetricsServer}: {@code /metrics}, {@code /ready}, {@code /healthcheck},
 *       {@code /quicktunnel} and {@code /config}, reading a {@link dev.jflared.metrics.ReadinessSource} (the
 *       supervisor, which counts only connections really serving) and a
 *       {@link dev.jflared.metrics.ConfigSource}.</li>
 * </ul>
 */
package dev.jflared.metrics;
