package dev.jflared.metrics;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;

/**
 * A few JVM and Netty figures, under our own {@code jflared_} prefix because cloudflared's {@code go_*} runtime
 * metrics describe a Go process and have no honest Java equivalent. Each is read at scrape time.
 */
final class JvmMetrics {

    private JvmMetrics() {}

    static void register(MetricRegistry registry, ByteBufAllocator allocator) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        registry.gaugeFunction("jflared_jvm_heap_used_bytes", "Bytes of Java heap in use",
                () -> memory.getHeapMemoryUsage().getUsed());
        registry.gaugeFunction("jflared_jvm_heap_max_bytes",
                "Largest Java heap the JVM may use, in bytes (-1 when unbounded)",
                () -> memory.getHeapMemoryUsage().getMax());
        registry.gaugeFunction("jflared_jvm_threads", "Number of live JVM threads", threads::getThreadCount);
        if (allocator instanceof ByteBufAllocatorMetricProvider provider) {
            registry.gaugeFunction("jflared_netty_allocator_direct_used_bytes",
                    "Bytes of direct memory held by Netty's buffer allocator",
                    () -> provider.metric().usedDirectMemory());
            registry.gaugeFunction("jflared_netty_allocator_heap_used_bytes",
                    "Bytes of heap memory held by Netty's buffer allocator",
                    () -> provider.metric().usedHeapMemory());
        }
    }
}
