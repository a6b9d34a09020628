package dev.jflared.supervisor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Exponential, randomised backoff between reconnect attempts, with a limit on the number of retries. It follows
 * cloudflared's {@code retry/backoffhandler.go}:
 *
 * <ul>
 *   <li>Retry {@code n} (counting from 1) waits a random time, uniform in {@code [0, base * 2^n)}: with the
 *       default base of 1 s, below 2 s, then 4 s, 8 s, ... ("full jitter").</li>
 *   <li>After {@code maxRetries} retries (cloudflared's {@code --retries}, default 5) {@link #nextDelay()} gives up
 *       with an empty result, unless {@code retryForever} is set: then the wait stops growing and retries go on.</li>
 *   <li>{@link #resetNow()} forgets the retries; cloudflared calls it when a connection registers.</li>
 *   <li>{@link #startGracePeriod()} arms a random deadline, uniform in {@code [0, base * 2^(retries+2))}, after which
 *       the next {@link #nextDelay()} starts again from the first retry; cloudflared's supervisor arms it once every
 *       reconnecting connection is back up.</li>
 *   <li>A {@code retryAfter} from the edge ({@code ConnectionError.retryAfter}) is a floor: the wait is the larger
 *       of it and the random delay. cloudflared itself drops that value when it unwraps the error
 *       ({@code connection/errors.go}, {@code serverRegistrationErrorFromRPC}); the edge asked for it, so we obey.</li>
 * </ul>
 *
 * <p>The clock and the random source are injected so tests advance time instead of sleeping:
 * <pre>{@code
 * ReconnectBackoff backoff = ReconnectBackoff.builder().maxRetries(5).build();
 * Optional<Duration> delay = backoff.nextDelay();   // empty: give up
 * }</pre>
 *
 * <p>Not thread-safe: one connection's supervisor loop owns an instance.
 */
public final class ReconnectBackoff {

    /** cloudflared's {@code DefaultBaseTime}: the first retry waits less than twice this. */
    public static final Duration DEFAULT_BASE_TIME = Duration.ofSeconds(1);

    /** cloudflared's {@code --retries} default. */
    public static final int DEFAULT_MAX_RETRIES = 5;

    // The exponent is capped so base * 2^n stays far below Long.MAX_VALUE nanoseconds.
    private static final int MAX_EXPONENT = 30;

    private final int maxRetries;
    private final boolean retryForever;
    private final Duration baseTime;
    private final Clock clock;
    private final RandomGenerator random;

    // Retries consumed since the last reset; at most maxRetries.
    private int retries;
    // When set and passed, the next nextDelay() starts from the first retry again.
    private Instant resetDeadline;

    private ReconnectBackoff(Builder builder) {
        this.maxRetries = builder.maxRetries;
        this.retryForever = builder.retryForever;
        this.baseTime = builder.baseTime;
        this.clock = builder.clock;
        this.random = builder.random;
    }

    /** A builder with cloudflared's defaults: 5 retries, base 1 s, system clock, a fresh random source. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Consumes a retry and returns how long to wait before it, or empty when the retries are used up (never empty
     * with {@code retryForever}). Mirrors cloudflared's {@code BackoffTimer}.
     */
    public Optional<Duration> nextDelay() {
        resetIfGracePeriodPassed();
        if (retries >= maxRetries) {
            if (!retryForever) {
                return Optional.empty();
            }
        } else {
            retries++;
        }
        long bound = maxDelayFor(retries).toNanos();
        return Optional.of(Duration.ofNanos(random.nextLong(bound)));
    }

    /**
     * As {@link #nextDelay()}, but waits at least {@code retryAfter}, the delay the edge asked for in a
     * registration error.
     */
    public Optional<Duration> nextDelay(Duration retryAfter) {
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter: " + retryAfter + " (expected >= 0)");
        }
        return nextDelay().map(delay -> delay.compareTo(retryAfter) >= 0 ? delay : retryAfter);
    }

    /**
     * The upper bound of the next delay, or empty when {@link #nextDelay()} would give up; changes nothing. This is
     * the "Retrying connection in up to ..." figure (cloudflared's {@code GetMaxBackoffDuration}).
     */
    public Optional<Duration> maxNextDelay() {
        if (resetDeadline != null && clock.instant().isAfter(resetDeadline)) {
            return Optional.of(maxDelayFor(1));
        }
        if (retries >= maxRetries && !retryForever) {
            return Optional.empty();
        }
        // With retryForever the retry count stops at maxRetries, and so does the wait.
        return Optional.of(maxDelayFor(retries < maxRetries ? retries + 1 : retries));
    }

    /**
     * Arms the grace period: once a random time below {@code base * 2^(retries+2)} has passed, the next
     * {@link #nextDelay()} starts from the first retry again. Returns that time.
     */
    public Duration startGracePeriod() {
        long bound = baseTime.toNanos() << Math.min(retries + 2, MAX_EXPONENT);
        Duration wait = Duration.ofNanos(random.nextLong(bound));
        resetDeadline = clock.instant().plus(wait);
        return wait;
    }

    /** Forgets the retries at once, as when a connection has registered. */
    public void resetNow() {
        resetDeadline = clock.instant();
        retries = 0;
    }

    /** Retries consumed since the last reset; cloudflared sends it as {@code numPreviousAttempts}. */
    public int retries() {
        return retries;
    }

    /** Whether every retry has been used; cloudflared then tries the fallback protocol. */
    public boolean reachedMaxRetries() {
        return retries == maxRetries;
    }

    @Override
    public String toString() {
        return "ReconnectBackoff{retries=" + retries + "/" + maxRetries + (retryForever ? " forever" : "")
                + ", base=" + baseTime + "}";
    }

    private void resetIfGracePeriodPassed() {
        if (resetDeadline != null && clock.instant().isAfter(resetDeadline)) {
            retries = 0;
            resetDeadline = null;
        }
    }

    private Duration maxDelayFor(int retry) {
        return Duration.ofNanos(baseTime.toNanos() << Math.min(retry, MAX_EXPONENT));
    }

    /** Builds a {@link ReconnectBackoff}; every setter documents its default. */
    public static final class Builder {

        private int maxRetries = DEFAULT_MAX_RETRIES;
        private boolean retryForever;
        private Duration baseTime = DEFAULT_BASE_TIME;
        private Clock clock = Clock.systemUTC();
        private RandomGenerator random = new SplittableRandom();

        private Builder() {}

        /** How many retries before giving up ({@code --retries}); default 5; 0 disables retrying. */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries: " + maxRetries + " (expected >= 0)");
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /** Keep retrying after {@code maxRetries}, with the wait capped at that retry's; default false. */
        public Builder retryForever(boolean retryForever) {
            this.retryForever = retryForever;
            return this;
        }

        /** The base time; retry {@code n} waits less than {@code base * 2^n}; default 1 s. */
        public Builder baseTime(Duration baseTime) {
            Objects.requireNonNull(baseTime, "baseTime");
            if (baseTime.isNegative() || baseTime.isZero() || baseTime.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("baseTime: " + baseTime + " (expected > 0 and <= 1 day)");
            }
            this.baseTime = baseTime;
            return this;
        }

        /** The time source for the grace period; default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The random source for the delays; default a new {@link SplittableRandom}. */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** A new backoff with no retries consumed. */
        public ReconnectBackoff build() {
            return new ReconnectBackoff(this);
        }
    }
}
