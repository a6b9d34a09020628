package dev.jflared.proxy;

import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the buffer memory live in one allocator: an unpooled allocator whose metric tracks exactly the direct and
 * heap bytes not yet released. Every channel of a memory test uses {@link #allocator()}.
 */
final class MemoryProbe {

    private final UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(true, false, false);
    private final AtomicLong max = new AtomicLong();

    UnpooledByteBufAllocator allocator() {
        return allocator;
    }

    long used() {
        return allocator.metric().usedDirectMemory() + allocator.metric().usedHeapMemory();
    }

    void sample() {
        max.accumulateAndGet(used(), Math::max);
    }

    long max() {
        return max.get();
    }
}
