package dev.jflared.metrics;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.DoubleSupplier;

/**
 * The metrics of one connector, exposed in the Prometheus text format by {@link #scrape()}.
 *
 * <pre>{@code
 * MetricRegistry registry = new MetricRegistry();
 * Counter requests = registry.counter("cloudflared_tunnel_total_requests", "Amount of requests ...");
 * requests.inc();
 * String text = registry.scrape();
 * }</pre>
 *
 * <p>Names are exposed exactly as registered; nothing is appended. A name can be registered once; a second
 * registration of the same name is an {@link IllegalArgumentException}, as with the Go client's
 * {@code MustRegister}. Registration is thread-safe; so is recording into what it returns.
 */
public final class MetricRegistry {

    private final Map<String, MetricFamily<?>> families = new ConcurrentSkipListMap<>();

    /** A counter without labels. */
    public Counter counter(String name, String help) {
        return counterFamily(name, help).labels();
    }

    /** A family of counters, one per combination of values of {@code labelNames}. */
    public MetricFamily<Counter> counterFamily(String name, String help, String... labelNames) {
        return register(new MetricFamily<>(name, help, MetricType.COUNTER, List.of(labelNames), Counter::new));
    }

    /** A gauge without labels. */
    public Gauge gauge(String name, String help) {
        return gaugeFamily(name, help).labels();
    }

    /** A family of gauges, one per combination of values of {@code labelNames}. */
    public MetricFamily<Gauge> gaugeFamily(String name, String help, String... labelNames) {
        return register(new MetricFamily<>(name, help, MetricType.GAUGE, List.of(labelNames), Gauge::new));
    }

    /**
     * A gauge whose value is read from {@code source} at every scrape. The source runs on the thread that
     * scrapes (the metrics server's event loop), so it must be quick and must not block.
     */
    public void gaugeFunction(String name, String help, DoubleSupplier source) {
        Objects.requireNonNull(source, "source");
        register(new MetricFamily<>(name, help, MetricType.GAUGE, List.of(), () -> new SampledGauge(source)));
    }

    /** A histogram without labels with these bucket bounds (ascending; {@code +Inf} is implied). */
    public Histogram histogram(String name, String help, double... upperBounds) {
        return histogramFamily(name, help, upperBounds).labels();
    }

    /** A family of histograms with these bucket bounds, one per combination of values of {@code labelNames}. */
    public MetricFamily<Histogram> histogramFamily(String name, String help, double[] upperBounds,
            String... labelNames) {
        double[] bounds = Histogram.checkBounds(name, upperBounds);
        return register(new MetricFamily<>(name, help, MetricType.HISTOGRAM, List.of(labelNames),
                () -> new Histogram(bounds)));
    }

    /** The registered family with this name, if any. */
    public Optional<MetricFamily<?>> family(String name) {
        return Optional.ofNullable(families.get(name));
    }

    /** Every registered family, sorted by name. */
    public List<MetricFamily<?>> families() {
        return List.copyOf(families.values());
    }

    /** The whole registry in the Prometheus text exposition format 0.0.4 ({@link PrometheusTextFormat}). */
    public String scrape() {
        StringBuilder out = new StringBuilder(4096);
        PrometheusTextFormat.write(families(), out);
        return out.toString();
    }

    private <T> MetricFamily<T> register(MetricFamily<T> family) {
        MetricFamily<?> previous = families.putIfAbsent(family.name(), family);
        if (previous != null) {
            throw new IllegalArgumentException("metric " + family.name() + " is already registered");
        }
        return family;
    }

    /** A gauge read from a function at scrape time (JVM and allocator figures). */
    static final class SampledGauge {
        private final DoubleSupplier source;

        SampledGauge(DoubleSupplier source) {
            this.source = source;
        }

        double get() {
            return source.getAsDouble();
        }
    }
}
