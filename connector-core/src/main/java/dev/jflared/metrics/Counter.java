package dev.jflared.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A monotonically increasing count. Increments are a {@link LongAdder} add: no lock and little contention when
 * several event loops count at once.
 *
 * <p>The exposed name is exactly the name it was registered with; nothing (such as {@code _total}) is appended,
 * because cloudflared's Go client does not append anything either.
 */
public final class Counter {

    private final LongAdder value = new LongAdder();

    Counter() {}

    /** Adds one. */
    public void inc() {
        value.increment();
    }

    /** Adds {@code amount}, which must not be negative: a counter never goes down. */
    public void add(long amount) {
        if (amount < 0) {
            throw new IllegalArgumentException("a counter only increases; amount=" + amount);
        }
        value.add(amount);
    }

    /** The current count. */
    public long get() {
        return value.sum();
    }
}
