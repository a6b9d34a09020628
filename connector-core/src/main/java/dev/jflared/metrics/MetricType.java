package dev.jflared.metrics;

/** The kinds of metric the registry exposes, named as the Prometheus text format's {@code # TYPE} line names them. */
public enum MetricType {
    COUNTER("counter"),
    GAUGE("gauge"),
    HISTOGRAM("histogram");

    private final String exposition;

    MetricType(String exposition) {
        this.exposition = exposition;
    }

    /** The word written after the metric name on the {@code # TYPE} line. */
    public String exposition() {
        return exposition;
    }
}
