package dev.jflared.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class PrometheusTextFormatTest {

    private final MetricRegistry registry = new MetricRegistry();

    @Test
    void counterIsWrittenWithHelpTypeAndNoSuffix() {
        registry.counter("cloudflared_tunnel_total_requests", "Requests so far").add(3);

        assertThat(registry.scrape()).isEqualTo("""
                # HELP cloudflared_tunnel_total_requests Requests so far
                # TYPE cloudflared_tunnel_total_requests counter
                cloudflared_tunnel_total_requests 3
                """);
    }

    @Test
    void gaugeGoesUpAndDownAndKeepsFractions() {
        Gauge gauge = registry.gauge("some_gauge", "A gauge");
        gauge.inc();
        gauge.inc();
        gauge.dec();
        gauge.add(0.5);

        assertThat(registry.scrape()).isEqualTo("""
                # HELP some_gauge A gauge
                # TYPE some_gauge gauge
                some_gauge 1.5
                """);
    }

    @Test
    void histogramIsCumulativeWithInfSumAndCount() {
        Histogram histogram = registry.histogram("latency", "Latency", 1, 10, 100);
        histogram.observe(0.5);
        histogram.observe(1);
        histogram.observe(50);
        histogram.observe(1000);

        assertThat(registry.scrape()).isEqualTo("""
                # HELP latency Latency
                # TYPE latency histogram
                latency_bucket{le="1"} 2
                latency_bucket{le="10"} 2
                latency_bucket{le="100"} 3
                latency_bucket{le="+Inf"} 4
                latency_sum 1051.5
                latency_count 4
                """);
    }

    @Test
    void labelledHistogramPutsLeAfterItsOwnLabels() {
        registry.histogramFamily("rpc_secs", "RPC time", new double[] {0.05}, "method", "handler")
                .labels("register_connection", "registration").observe(0.01);

        assertThat(registry.scrape()).contains(
                "rpc_secs_bucket{handler=\"registration\",method=\"register_connection\",le=\"0.05\"} 1\n",
                "rpc_secs_bucket{handler=\"registration\",method=\"register_connection\",le=\"+Inf\"} 1\n",
                "rpc_secs_sum{handler=\"registration\",method=\"register_connection\"} 0.01\n",
                "rpc_secs_count{handler=\"registration\",method=\"register_connection\"} 1\n");
    }

    @Test
    void labelsAreSortedByNameAndSamplesByValue() {
        MetricFamily<Counter> family = registry.counterFamily("by_code", "Codes", "status_code", "a_label");
        family.labels("502", "x").inc();
        family.labels("200", "y").add(2);
        family.labels("200", "x").inc();

        assertThat(registry.scrape()).isEqualTo("""
                # HELP by_code Codes
                # TYPE by_code counter
                by_code{a_label="x",status_code="200"} 1
                by_code{a_label="x",status_code="502"} 1
                by_code{a_label="y",status_code="200"} 2
                """);
    }

    @Test
    void familiesAreSortedByNameAndEmptyLabelledFamiliesAreLeftOut() {
        registry.counter("zeta", "Last");
        registry.counterFamily("beta", "Never touched", "l");
        registry.gauge("alpha", "First");

        assertThat(registry.scrape()).isEqualTo("""
                # HELP alpha First
                # TYPE alpha gauge
                alpha 0
                # HELP zeta Last
                # TYPE zeta counter
                zeta 0
                """);
    }

    @Test
    void labelValuesAndHelpAreEscaped() {
        registry.gaugeFamily("escaped", "Help with \\ and\nnewline", "v")
                .labels("quote \" backslash \\ newline \n end").set(1);

        assertThat(registry.scrape()).isEqualTo("""
                # HELP escaped Help with \\\\ and\\nnewline
                # TYPE escaped gauge
                escaped{v="quote \\" backslash \\\\ newline \\n end"} 1
                """);
    }

    @Test
    void removedChildIsNoLongerExposed() {
        MetricFamily<Gauge> family = registry.gaugeFamily("g", "G", "conn_index");
        family.labels("0").set(1);
        family.labels("1").set(2);

        assertThat(family.remove("0")).isTrue();

        assertThat(registry.scrape()).doesNotContain("conn_index=\"0\"").contains("g{conn_index=\"1\"} 2\n");
    }

    @Test
    void outputIsStableAcrossScrapes() {
        MetricFamily<Counter> family = registry.counterFamily("c", "C", "k");
        for (int i = 0; i < 50; i++) {
            family.labels("v" + i).inc();
        }

        assertThat(registry.scrape()).isEqualTo(registry.scrape());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0, 0",
        "1, 1",
        "-1, -1",
        "12.5, 12.5",
        "100, 100",
        "123456, 123456",
        "1234567, 1.234567e+06",
        "1000000, 1e+06",
        "0.0001, 0.0001",
        "0.00001, 1e-05",
        "0.000015, 1.5e-05",
        "4050, 4050",
        "-2.5, -2.5",
        "NaN, NaN",
        "Infinity, +Inf",
        "-Infinity, -Inf",
    })
    void valuesAreFormattedLikeGo(double value, String expected) {
        assertThat(PrometheusTextFormat.formatValue(value)).isEqualTo(expected);
    }

    @Test
    void exponentialBoundsKeepTheirFloatingPointNoiseLikeGo() {
        double[] bounds = Histogram.exponentialBounds(0.05, 3, 5);

        assertThat(bounds).hasSize(5);
        assertThat(PrometheusTextFormat.formatValue(bounds[1])).isEqualTo("0.15000000000000002");
        assertThat(PrometheusTextFormat.formatValue(bounds[4])).isEqualTo("4.050000000000001");
    }
}
