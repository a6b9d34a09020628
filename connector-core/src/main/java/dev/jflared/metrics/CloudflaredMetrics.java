package dev.jflared.metrics;

import io.netty.buffer.ByteBufAllocator;
import java.util.Objects;

/**
 * Every metric a cloudflared connector exposes, under cloudflared's names, registered into one
 * {@link MetricRegistry}, with typed methods for the code that records them.
 *
 * <pre>{@code
 * MetricRegistry registry = new MetricRegistry();
 * CloudflaredMetrics metrics = CloudflaredMetrics.register(registry, "2026.1.0", "2026-01-02T03:04:05Z");
 * metrics.proxy().requestStarted();
 * metrics.tunnel().serverLocation(0, "lhr01");
 * QuicMetrics.Connection quic = metrics.quic().connection(0);
 * }</pre>
 *
 * <h2>Areas</h2>
 * <ul>
 *   <li>{@link #tunnel()}: HA connections, edge locations, registrations, local config pushes
 *       ({@code connection/metrics.go}, {@code supervisor/metrics.go});</li>
 *   <li>{@link #proxy()}: requests, status codes, errors, TCP sessions, connect latency
 *       ({@code proxy/metrics.go});</li>
 *   <li>{@link #orchestration()}: the applied configuration version ({@code orchestration/metrics.go});</li>
 *   <li>{@link #rpc()}: Cap'n Proto calls both ways ({@code tunnelrpc/metrics/metrics.go});</li>
 *   <li>{@link #quic()}: per-connection QUIC figures ({@code quic/metrics.go});</li>
 *   <li>{@code build_info} ({@code metrics/metrics.go}) and a few {@code jflared_*} JVM and Netty gauges.</li>
 * </ul>
 *
 * <h2>build_info</h2>
 * cloudflared labels it {@code goversion}, {@code type}, {@code revision} (its build time) and {@code version}.
 * We keep the label names, which dashboards select on, and fill them honestly: {@code goversion} carries the
 * Java runtime ({@code java17.0.9+9}), {@code type} is {@code jflared}, {@code revision} the build time and
 * {@code version} jflared's version.
 */
public final class CloudflaredMetrics {

    /** The {@code type} label of {@code build_info}. */
    public static final String BUILD_TYPE = "jflared";

    private final TunnelMetrics tunnel;
    private final ProxyMetrics proxy;
    private final OrchestrationMetrics orchestration;
    private final RpcMetrics rpc;
    private final QuicMetrics quic;

    private CloudflaredMetrics(MetricRegistry registry) {
        tunnel = new TunnelMetrics(registry);
        proxy = new ProxyMetrics(registry);
        orchestration = new OrchestrationMetrics(registry);
        rpc = new RpcMetrics(registry);
        quic = new QuicMetrics(registry);
    }

    /**
     * Registers all metrics into {@code registry}, sets {@code build_info} from {@code version} and
     * {@code buildTime}, and adds the JVM gauges reading Netty's default allocator.
     *
     * @throws IllegalArgumentException if {@code registry} already holds one of these names
     */
    public static CloudflaredMetrics register(MetricRegistry registry, String version, String buildTime) {
        return register(registry, version, buildTime, ByteBufAllocator.DEFAULT);
    }

    /** As {@link #register(MetricRegistry, String, String)}, with the allocator whose memory is reported. */
    public static CloudflaredMetrics register(MetricRegistry registry, String version, String buildTime,
            ByteBufAllocator allocator) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(buildTime, "buildTime");
        Objects.requireNonNull(allocator, "allocator");
        CloudflaredMetrics metrics = new CloudflaredMetrics(registry);
        registry.gaugeFamily("build_info", "Version and build of this connector",
                "goversion", "type", "revision", "version")
                .labels("java" + Runtime.version(), BUILD_TYPE, buildTime, version)
                .set(1);
        JvmMetrics.register(registry, allocator);
        return metrics;
    }

    /** Connection and registration metrics. */
    public TunnelMetrics tunnel() {
        return tunnel;
    }

    /** Per-request metrics of the origin proxy. */
    public ProxyMetrics proxy() {
        return proxy;
    }

    /** The configuration version. */
    public OrchestrationMetrics orchestration() {
        return orchestration;
    }

    /** RPC call metrics. */
    public RpcMetrics rpc() {
        return rpc;
    }

    /** QUIC connection metrics. */
    public QuicMetrics quic() {
        return quic;
    }
}
