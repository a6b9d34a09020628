package dev.jflared.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * All metrics sharing one name, help text and type, one child per distinct combination of label values (a Go
 * client "vector"). A family without labels has exactly one child, created with the family, so it is always
 * exposed; a labelled family is exposed only once some child exists, as the Go client does.
 *
 * <p>Looking up a child is a {@link ConcurrentHashMap} read; hot paths that always use the same labels should
 * keep the child returned by {@link #labels} instead of looking it up per event.
 *
 * @param <T> {@link Counter}, {@link Gauge} or {@link Histogram}
 */
public final class MetricFamily<T> {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final String name;
    private final String help;
    private final MetricType type;
    private final List<String> labelNames;
    private final Supplier<T> factory;
    private final Map<List<String>, T> children = new ConcurrentHashMap<>();

    MetricFamily(String name, String help, MetricType type, List<String> labelNames, Supplier<T> factory) {
        this.name = checkName(name);
        this.help = Objects.requireNonNull(help, "help");
        this.type = Objects.requireNonNull(type, "type");
        this.labelNames = checkLabelNames(name, type, labelNames);
        this.factory = Objects.requireNonNull(factory, "factory");
        if (labelNames.isEmpty()) {
            children.put(List.of(), factory.get());
        }
    }

    /** The metric name exactly as exposed. */
    public String name() {
        return name;
    }

    /** The help text of the {@code # HELP} line. */
    public String help() {
        return help;
    }

    /** The metric type of the {@code # TYPE} line. */
    public MetricType type() {
        return type;
    }

    /** The label names in declaration order (the exposition sorts them by name, as the Go client does). */
    public List<String> labelNames() {
        return labelNames;
    }

    /**
     * The child for these label values, in the order of {@link #labelNames()}, created on first use.
     *
     * @throws IllegalArgumentException if the number of values differs from the number of label names
     */
    public T labels(String... values) {
        List<String> key = key(values);
        T child = children.get(key);
        return child != null ? child : children.computeIfAbsent(key, k -> factory.get());
    }

    /** Removes the child for these label values so it is no longer exposed; returns whether it existed. */
    public boolean remove(String... values) {
        if (labelNames.isEmpty()) {
            throw new IllegalStateException(name + " has no labels; its only child cannot be removed");
        }
        return children.remove(key(values)) != null;
    }

    /** A snapshot of the children keyed by label values (in {@link #labelNames()} order). */
    Map<List<String>, T> children() {
        return Map.copyOf(children);
    }

    private List<String> key(String... values) {
        if (values.length != labelNames.size()) {
            throw new IllegalArgumentException(name + " has labels " + labelNames + " but got " + values.length
                    + " value(s): " + Arrays.toString(values));
        }
        List<String> key = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            key.add(Objects.requireNonNull(values[i], () -> "value of label " + labelNames.get(key.size())));
        }
        return List.copyOf(key);
    }

    private static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid metric name: \"" + name + "\"");
        }
        return name;
    }

    private static List<String> checkLabelNames(String name, MetricType type, List<String> labelNames) {
        List<String> copy = List.copyOf(labelNames);
        for (String label : copy) {
            if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
                throw new IllegalArgumentException("metric " + name + ": invalid label name \"" + label + "\"");
            }
            if (type == MetricType.HISTOGRAM && label.equals("le")) {
                throw new IllegalArgumentException("metric " + name + ": label \"le\" is reserved for buckets");
            }
        }
        if (copy.stream().distinct().count() != copy.size()) {
            throw new IllegalArgumentException("metric " + name + ": duplicate label names " + copy);
        }
        return copy;
    }
}
