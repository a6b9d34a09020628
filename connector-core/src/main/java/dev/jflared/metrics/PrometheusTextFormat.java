package dev.jflared.metrics;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes metric families in the Prometheus text exposition format, version 0.0.4, byte for byte the way the Go
 * client (which cloudflared uses) writes them, so that scrapers and greps written against cloudflared keep
 * working:
 *
 * <ul>
 *   <li>families sorted by name, each with a {@code # HELP} and a {@code # TYPE} line; a labelled family
 *       without any child yet is left out entirely;</li>
 *   <li>labels of a sample sorted by label name, samples of a family sorted by their label values;</li>
 *   <li>histograms as {@code _bucket} samples with a trailing {@code le} label (cumulative, ending in
 *       {@code +Inf}), then {@code _sum} and {@code _count};</li>
 *   <li>numbers as Go's {@code strconv.FormatFloat(v, 'g', -1, 64)}: {@code 0}, {@code 1}, {@code 12.5},
 *       {@code 1.234567e+06}, {@code +Inf}, {@code NaN};</li>
 *   <li>escaping: {@code \\} and newline in help text; {@code \\}, {@code "} and newline in label values.</li>
 * </ul>
 */
public final class PrometheusTextFormat {

    /** The {@code Content-Type} of the text format, as promhttp sends it. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusTextFormat() {}

    /** Appends every family to {@code out}. */
    public static void write(Collection<MetricFamily<?>> families, StringBuilder out) {
        for (MetricFamily<?> family : families) {
            writeFamily(family, out);
        }
    }

    private static void writeFamily(MetricFamily<?> family, StringBuilder out) {
        Map<List<String>, ?> children = family.children();
        if (children.isEmpty()) {
            return;
        }
        List<Integer> labelOrder = sortedLabelOrder(family.labelNames());
        List<Map.Entry<List<String>, ?>> samples = new ArrayList<>(children.entrySet());
        samples.sort(Comparator.comparing(e -> e.getKey(), (a, b) -> compareValues(a, b, labelOrder)));

        out.append("# HELP ").append(family.name()).append(' ');
        escapeHelp(family.help(), out);
        out.append('\n');
        out.append("# TYPE ").append(family.name()).append(' ').append(family.type().exposition()).append('\n');
        for (Map.Entry<List<String>, ?> sample : samples) {
            writeChild(family, labelOrder, sample.getKey(), sample.getValue(), out);
        }
    }

    private static void writeChild(MetricFamily<?> family, List<Integer> labelOrder, List<String> values,
            Object child, StringBuilder out) {
        String name = family.name();
        if (child instanceof Counter counter) {
            writeSample(name, family.labelNames(), labelOrder, values, null, counter.get(), out);
        } else if (child instanceof Gauge gauge) {
            writeSample(name, family.labelNames(), labelOrder, values, null, gauge.get(), out);
        } else if (child instanceof MetricRegistry.SampledGauge sampled) {
            writeSample(name, family.labelNames(), labelOrder, values, null, sampled.get(), out);
        } else if (child instanceof Histogram histogram) {
            double[] bounds = histogram.bounds();
            long[] cumulative = histogram.cumulativeCounts();
            for (int i = 0; i < bounds.length; i++) {
                writeSample(name + "_bucket", family.labelNames(), labelOrder, values, formatValue(bounds[i]),
                        cumulative[i], out);
            }
            long count = cumulative[cumulative.length - 1];
            writeSample(name + "_bucket", family.labelNames(), labelOrder, values, "+Inf", count, out);
            writeSample(name + "_sum", family.labelNames(), labelOrder, values, null, histogram.sum(), out);
            writeSample(name + "_count", family.labelNames(), labelOrder, values, null, count, out);
        } else {
            throw new IllegalStateException("unknown metric child " + child.getClass().getName() + " in " + name);
        }
    }

    private static void writeSample(String name, List<String> labelNames, List<Integer> labelOrder,
            List<String> values, String le, double value, StringBuilder out) {
        out.append(name);
        if (!labelOrder.isEmpty() || le != null) {
            out.append('{');
            boolean first = true;
            for (int index : labelOrder) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(labelNames.get(index)).append("=\"");
                escapeLabelValue(values.get(index), out);
                out.append('"');
            }
            if (le != null) {
                if (!first) {
                    out.append(',');
                }
                out.append("le=\"").append(le).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(formatValue(value)).append('\n');
    }

    /** Label indices in the order of their names, so samples show labels sorted by name. */
    private static List<Integer> sortedLabelOrder(List<String> labelNames) {
        List<Integer> order = new ArrayList<>(labelNames.size());
        for (int i = 0; i < labelNames.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing(labelNames::get));
        return order;
    }

    private static int compareValues(List<String> a, List<String> b, List<Integer> labelOrder) {
        for (int index : labelOrder) {
            int c = a.get(index).compareTo(b.get(index));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    static void escapeHelp(String help, StringBuilder out) {
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    static void escapeLabelValue(String value, StringBuilder out) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    /**
     * Formats a sample value as Go's {@code strconv.FormatFloat(v, 'g', -1, 64)} does: the shortest decimal that
     * reads back as {@code v}, in exponent form when the decimal exponent is below -4 or at least 6.
     */
    public static String formatValue(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == 0) {
            return "0";
        }
        BigDecimal decimal = new BigDecimal(Double.toString(Math.abs(value))).stripTrailingZeros();
        String digits = decimal.unscaledValue().toString();
        int exponent = digits.length() - 1 - decimal.scale();
        String sign = value < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 6) {
            StringBuilder out = new StringBuilder(sign).append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append('e').append(exponent < 0 ? '-' : '+');
            int magnitude = Math.abs(exponent);
            if (magnitude < 10) {
                out.append('0');
            }
            return out.append(magnitude).toString();
        }
        return sign + decimal.toPlainString();
    }
}
