package dev.jflared.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;

/**
 * Collects the Netty buffer leaks reported so far. A leak is only noticed after the garbage collector has
 * cleared the leaked buffer and a later allocation polls the detector's queue, so this collects garbage and
 * allocates a few buffers first.
 */
public final class LeakCheck {

    private static final int ROUNDS = 3;
    private static final int POLLING_ALLOCATIONS = 64;

    private LeakCheck() {}

    /** Returns, and forgets, every leak report since the last call. */
    public static List<String> collect() {
        for (int round = 0; round < ROUNDS; round++) {
            System.gc();
            for (int i = 0; i < POLLING_ALLOCATIONS; i++) {
                ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(1);
                probe.release();
            }
        }
        return RecordingLeakDetector.drain();
    }
}
