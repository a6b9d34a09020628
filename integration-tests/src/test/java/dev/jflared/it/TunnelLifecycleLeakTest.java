package dev.jflared.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.Tunnel;
import dev.jflared.embed.JdkHttpHandlerOrigin;
import dev.jflared.testkit.LocalEdge;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Makes sure that starting and closing a tunnel (with a JDK origin and one request each time) leaves no thread,
 * file descriptor or buffer behind. Buffers: the paranoid leak detector of every test run (LeakCheckExtension)
 * fails the class on any leak, and the default allocator's direct memory may not grow by more than
 * {@link #MEMORY_TOLERANCE} (pool chunks are kept for reuse, so some growth is not a leak). Threads: every thread
 * whose name starts with {@code jflared-} must be gone, exactly. File descriptors ({@code /proc/self/fd}, Linux
 * only): at most {@link #FD_TOLERANCE} more than before, for files the JVM opens lazily (jars, class data).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class TunnelLifecycleLeakTest {

    private static final int CYCLES = 20;
    private static final int FD_TOLERANCE = 8;
    private static final long MEMORY_TOLERANCE = 32L << 20;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void startAndCloseTwentyTimesLeavesNothingBehind() throws Exception {
        try (LocalEdge edge = LocalEdge.builder().build().start()) {
            cycle(edge);
            awaitOwnThreadsGone();
            int threadsBefore = ownThreads().size();
            long fdsBefore = openFileDescriptors();
            long memoryBefore = directMemory();

            for (int i = 0; i < CYCLES; i++) {
                cycle(edge);
            }
            awaitOwnThreadsGone();

            assertThat(ownThreads()).hasSize(threadsBefore);
            if (fdsBefore >= 0) {
                assertThat(openFileDescriptors()).isLessThanOrEqualTo(fdsBefore + FD_TOLERANCE);
            }
            assertThat(directMemory()).isLessThanOrEqualTo(memoryBefore + MEMORY_TOLERANCE);
        }
    }

    private static void cycle(LocalEdge edge) throws Exception {
        try (JdkHttpHandlerOrigin origin = JdkHttpHandlerOrigin.of(TestOrigins.jdkText("cycle"));
                Tunnel tunnel = TestOrigins.tunnelFor(edge).handler(origin).start()) {
            tunnel.awaitReady(WAIT);
            assertThat(Eyeball.get(edge.eyeballUri("/")).body()).isEqualTo("cycle");
        }
    }

    private static List<Thread> ownThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("jflared-") && thread.isAlive())
                .toList();
    }

    /** Joins the threads of closed tunnels: their loops have terminated, the threads may still be exiting. */
    private static void awaitOwnThreadsGone() throws InterruptedException {
        for (Thread thread : ownThreads()) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private static long openFileDescriptors() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        try (Stream<Path> list = Files.list(fds)) {
            return list.count();
        }
    }

    private static long directMemory() {
        return ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider
                ? provider.metric().usedDirectMemory() : 0;
    }
}
