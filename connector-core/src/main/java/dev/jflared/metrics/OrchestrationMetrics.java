package dev.jflared.metrics;

/** The configuration version gauge of cloudflared's {@code orchestration/metrics.go}. */
public final class OrchestrationMetrics {

    private final Gauge configVersion;

    OrchestrationMetrics(MetricRegistry registry) {
        configVersion = registry.gauge("cloudflared_orchestration_config_version",
                "Version of the configuration currently applied");
    }

    /** The orchestrator now runs configuration {@code version}, as numbered by the edge. */
    public void configVersion(long version) {
        configVersion.set(version);
    }
}
