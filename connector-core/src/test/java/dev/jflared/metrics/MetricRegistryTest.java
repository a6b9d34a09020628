package dev.jflared.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class MetricRegistryTest {

    private final MetricRegistry registry = new MetricRegistry();

    @Test
    void aNameCanBeRegisteredOnlyOnce() {
        registry.counter("dup", "first");

        assertThatThrownBy(() -> registry.gauge("dup", "second"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dup is already registered");
    }

    @Test
    void wrongNumberOfLabelValuesIsRejectedNamingTheLabels() {
        MetricFamily<Counter> family = registry.counterFamily("fail", "help", "error", "rpcName");

        assertThatThrownBy(() -> family.labels("only-one"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[error, rpcName]");
    }

    @Test
    void invalidNamesAreRejected() {
        assertThatThrownBy(() -> registry.counter("bad-name", "h")).hasMessageContaining("\"bad-name\"");
        assertThatThrownBy(() -> registry.counterFamily("ok", "h", "bad-label")).hasMessageContaining("bad-label");
        assertThatThrownBy(() -> registry.histogramFamily("h", "h", new double[] {1}, "le"))
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> registry.histogram("h2", "h", 2, 1)).hasMessageContaining("ascend");
    }

    @Test
    void counterRefusesToGoDown() {
        Counter counter = registry.counter("c", "h");

        assertThatThrownBy(() -> counter.add(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void gaugeFunctionIsReadAtScrapeTime() {
        long[] source = {7};
        registry.gaugeFunction("sampled", "h", () -> source[0]);
        source[0] = 9;

        assertThat(registry.scrape()).contains("sampled 9\n");
    }

    @Test
    void concurrentRecordingLosesNothing() throws Exception {
        Counter counter = registry.counter("c", "h");
        Gauge gauge = registry.gauge("g", "h");
        Histogram histogram = registry.histogram("hist", "h", 1);
        MetricFamily<Counter> family = registry.counterFamily("f", "h", "k");
        int threads = 4;
        int perThread = 10_000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        counter.inc();
                        gauge.inc();
                        histogram.observe(i % 2);
                        family.labels(Integer.toString(i % 3)).inc();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        long total = (long) threads * perThread;
        assertThat(counter.get()).isEqualTo(total);
        assertThat(gauge.get()).isEqualTo(total);
        assertThat(histogram.count()).isEqualTo(total);
        assertThat(family.labels("0").get() + family.labels("1").get() + family.labels("2").get()).isEqualTo(total);
    }
}
