package dev.jflared.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LeakCheckTest {

    @Test
    void testsRunWithTheRecordingDetectorAtParanoidLevel() {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
        assertThat(System.getProperty("io.netty.customResourceLeakDetector"))
                .isEqualTo(RecordingLeakDetector.class.getName());
    }

    @Test
    void aBufferNeverReleasedIsReported() {
        leakOneBuffer();

        assertThat(collectUntilSomethingIsReported()).anySatisfy(leak -> assertThat(leak)
                .startsWith("LEAK: ByteBuf")
                .contains("Created at:")
                .contains(LeakCheckTest.class.getName() + ".leakOneBuffer"));
    }

    @Test
    void releasedBuffersAreNotReported() {
        LeakCheck.collect();
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.buffer(16);
        buffer.writeLong(42);
        buffer.release();

        assertThat(LeakCheck.collect()).isEmpty();
    }

    @Test
    void goldenDirectoryIsFound() {
        assertThat(Golden.path("README.md")).isRegularFile();
    }

    /** A collection may miss a buffer the collector has not cleared yet; a few more rounds find it. */
    private static List<String> collectUntilSomethingIsReported() {
        List<String> leaks = List.of();
        for (int attempt = 0; attempt < 20 && leaks.isEmpty(); attempt++) {
            leaks = LeakCheck.collect();
        }
        return leaks;
    }

    private static void leakOneBuffer() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(16);
        leaked.writeLong(42);
    }
}
