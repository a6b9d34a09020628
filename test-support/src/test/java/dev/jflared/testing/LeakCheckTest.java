package dev.jflared.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
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

        assertThat(LeakCheck.collect()).anySatisfy(leak -> assertThat(leak).startsWith("LEAK: ByteBuf"));
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

    private static void leakOneBuffer() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(16);
        leaked.writeLong(42);
    }
}
