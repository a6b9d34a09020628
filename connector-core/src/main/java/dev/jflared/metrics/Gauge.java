package dev.jflared.metrics;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A value that goes up and down. The value is a {@code double} stored as its bits in an {@link AtomicLong}, so
 * {@link #set} is one volatile write and {@link #add} one compare-and-set loop; no lock is taken.
 */
public final class Gauge {

    private final AtomicLong bits = new AtomicLong(Double.doubleToRawLongBits(0));

    Gauge() {}

    /** Replaces the value. */
    public void set(double value) {
        bits.set(Double.doubleToRawLongBits(value));
    }

    /** Adds one. */
    public void inc() {
        add(1);
    }

    /** Subtracts one. */
    public void dec() {
        add(-1);
    }

    /** Adds {@code delta}, which may be negative. */
    public void add(double delta) {
        long current;
        long next;
        do {
            current = bits.get();
            next = Double.doubleToRawLongBits(Double.longBitsToDouble(current) + delta);
        } while (!bits.compareAndSet(current, next));
    }

    /** The current value. */
    public double get() {
        return Double.longBitsToDouble(bits.get());
    }
}
