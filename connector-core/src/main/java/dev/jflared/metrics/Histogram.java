package dev.jflared.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts observations into fixed buckets, as a Prometheus histogram does: each bucket {@code le} counts the
 * observations less than or equal to its bound, plus an implicit {@code +Inf} bucket, a sum and a count.
 *
 * <p>Observing is lock-free: a binary search for the bucket, then two adder increments.
 */
public final class Histogram {

    private final double[] upperBounds;
    /** One per bound plus one for +Inf; each counts only its own range (made cumulative when exposed). */
    private final LongAdder[] bucketCounts;
    private final DoubleAdder sum = new DoubleAdder();

    Histogram(double[] upperBounds) {
        this.upperBounds = upperBounds;
        this.bucketCounts = new LongAdder[upperBounds.length + 1];
        for (int i = 0; i < bucketCounts.length; i++) {
            bucketCounts[i] = new LongAdder();
        }
    }

    /** Records one observation. */
    public void observe(double value) {
        int index = Arrays.binarySearch(upperBounds, value);
        if (index < 0) {
            index = -index - 1;
        }
        bucketCounts[index].increment();
        sum.add(value);
    }

    /** The bucket bounds, ascending, without {@code +Inf}. */
    public List<Double> upperBounds() {
        return Arrays.stream(upperBounds).boxed().toList();
    }

    /** The number of observations so far. */
    public long count() {
        long total = 0;
        for (LongAdder bucket : bucketCounts) {
            total += bucket.sum();
        }
        return total;
    }

    /** The sum of all observations so far. */
    public double sum() {
        return sum.sum();
    }

    /**
     * The cumulative count per bucket: element {@code i} counts observations {@code <= upperBounds()[i]}; the last
     * element, one past the bounds, is the {@code +Inf} bucket and equals the count of this snapshot.
     */
    long[] cumulativeCounts() {
        long[] cumulative = new long[bucketCounts.length];
        long running = 0;
        for (int i = 0; i < bucketCounts.length; i++) {
            running += bucketCounts[i].sum();
            cumulative[i] = running;
        }
        return cumulative;
    }

    double[] bounds() {
        return upperBounds;
    }

    /** Validates and copies histogram bounds: finite, strictly ascending, at least one. */
    static double[] checkBounds(String name, double... upperBounds) {
        if (upperBounds.length == 0) {
            throw new IllegalArgumentException("histogram " + name + " needs at least one bucket bound");
        }
        double[] copy = upperBounds.clone();
        for (int i = 0; i < copy.length; i++) {
            if (!Double.isFinite(copy[i])) {
                throw new IllegalArgumentException("histogram " + name + ": bucket bound " + copy[i]
                        + " is not finite (+Inf is always added)");
            }
            if (i > 0 && copy[i] <= copy[i - 1]) {
                throw new IllegalArgumentException("histogram " + name + ": bucket bounds must ascend strictly, got "
                        + Arrays.toString(copy));
            }
        }
        return copy;
    }

    /**
     * {@code count} bounds starting at {@code start}, each {@code factor} times the previous, like the Go client's
     * {@code prometheus.ExponentialBuckets}.
     */
    public static double[] exponentialBounds(double start, double factor, int count) {
        if (start <= 0 || factor <= 1 || count < 1) {
            throw new IllegalArgumentException("exponential buckets need start > 0, factor > 1, count >= 1; got start="
                    + start + " factor=" + factor + " count=" + count);
        }
        double[] bounds = new double[count];
        bounds[0] = start;
        for (int i = 1; i < count; i++) {
            bounds[i] = bounds[i - 1] * factor;
        }
        return bounds;
    }
}
