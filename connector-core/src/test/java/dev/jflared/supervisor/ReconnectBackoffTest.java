package dev.jflared.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ReconnectBackoffTest {

    private static final Duration NANO = Duration.ofNanos(1);

    private final FakeClock clock = new FakeClock();

    @Test
    void delaysAreUniformBelowBaseTimesTwoToTheRetryWithASeededRandom() {
        ReconnectBackoff backoff = ReconnectBackoff.builder().clock(clock).random(new SplittableRandom(42)).build();
        SplittableRandom expected = new SplittableRandom(42);

        List<Duration> delays = drain(backoff);

        assertThat(delays).containsExactly(
                Duration.ofNanos(expected.nextLong(Duration.ofSeconds(2).toNanos())),
                Duration.ofNanos(expected.nextLong(Duration.ofSeconds(4).toNanos())),
                Duration.ofNanos(expected.nextLong(Duration.ofSeconds(8).toNanos())),
                Duration.ofNanos(expected.nextLong(Duration.ofSeconds(16).toNanos())),
                Duration.ofNanos(expected.nextLong(Duration.ofSeconds(32).toNanos())));
    }

    @Test
    void defaultGivesFiveRetriesWhoseCeilingsDoubleFromTwoSeconds() {
        ReconnectBackoff backoff = ReconnectBackoff.builder().clock(clock).random(new Highest()).build();

        List<Duration> delays = drain(backoff);

        assertThat(delays).containsExactly(
                Duration.ofSeconds(2).minus(NANO), Duration.ofSeconds(4).minus(NANO), Duration.ofSeconds(8).minus(NANO),
                Duration.ofSeconds(16).minus(NANO), Duration.ofSeconds(32).minus(NANO));
        assertThat(backoff.reachedMaxRetries()).isTrue();
        assertThat(backoff.nextDelay()).isEmpty();
        assertThat(backoff.maxNextDelay()).isEmpty();
    }

    @Test
    void zeroRetriesGivesUpAtOnce() {
        ReconnectBackoff backoff = ReconnectBackoff.builder().maxRetries(0).clock(clock).build();

        assertThat(backoff.nextDelay()).isEmpty();
    }

    @Test
    void retryForeverKeepsTheLastCeiling() {
        ReconnectBackoff backoff = ReconnectBackoff.builder().maxRetries(2).retryForever(true)
                .baseTime(Duration.ofSeconds(10)).clock(clock).random(new Highest()).build();

        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            delays.add(backoff.nextDelay().orElseThrow());
        }

        Duration forty = Duration.ofSeconds(40).minus(NANO);
        assertThat(delays).containsExactly(Duration.ofSeconds(20).minus(NANO), forty, forty, forty);
        assertThat(backoff.maxNextDelay()).contains(Duration.ofSeconds(40));
    }

    @Test
    void maxNextDelayPredictsTheCeilingWithoutConsumingARetry() {
        ReconnectBackoff backoff = ReconnectBackoff.builder().clock(clock).build();

        assertThat(backoff.maxNextDelay()).contains(Duration.ofSeconds(2));
        assertThat(backoff.maxNextDelay()).contains(Duration.ofSeconds(2));
        backoff.nextDelay();
        assertThat(backoff.maxNextDelay()).contains(Duration.ofSeconds(4));
        assertThat(backoff.retries()).isEqualTo(1);
    }

    @Test
    void resetNowStartsOverFromTheFirstRetry() {
        ReconnectBackoff backoff = ReconnectBackoff.builder().clock(clock).random(new Highest()).build();
        drain(backoff);

        backoff.resetNow();

        assertThat(backoff.retries()).isZero();
        assertThat(backoff.nextDelay()).contains(Duration.ofSeconds(2).minus(NANO));
    }

    @Test
    void gracePeriodResetsOnlyOnceItHasPassed() {
        ReconnectBackoff backoff = ReconnectBackoff.builder().clock(clock).random(new Highest()).build();
        backoff.nextDelay();
        backoff.nextDelay();

        Duration grace = backoff.startGracePeriod();

        // retries = 2, so the grace period is below base * 2^(2+2) = 16 s.
        assertThat(grace).isEqualTo(Duration.ofSeconds(16).minus(NANO));
        clock.advance(grace);
        assertThat(backoff.nextDelay()).contains(Duration.ofSeconds(8).minus(NANO));
        assertThat(backoff.retries()).isEqualTo(3);
    }

    @Test
    void afterTheGracePeriodTheNextDelayIsTheFirstRetrysAgain() {
        ReconnectBackoff backoff = ReconnectBackoff.builder().clock(clock).random(new Highest()).build();
        drain(backoff);
        Duration grace = backoff.startGracePeriod();

        clock.advance(grace.plus(NANO));

        assertThat(backoff.maxNextDelay()).contains(Duration.ofSeconds(2));
        assertThat(backoff.nextDelay()).contains(Duration.ofSeconds(2).minus(NANO));
        assertThat(backoff.retries()).isEqualTo(1);
    }

    @Test
    void retryAfterFromTheEdgeIsAFloorAndStillConsumesARetry() {
        ReconnectBackoff backoff = ReconnectBackoff.builder().clock(clock).random(new Lowest()).build();

        Optional<Duration> delay = backoff.nextDelay(Duration.ofSeconds(30));

        assertThat(delay).contains(Duration.ofSeconds(30));
        assertThat(backoff.retries()).isEqualTo(1);
    }

    @Test
    void retryAfterShorterThanTheRandomDelayChangesNothing() {
        ReconnectBackoff backoff = ReconnectBackoff.builder().clock(clock).random(new Highest()).build();

        assertThat(backoff.nextDelay(Duration.ofMillis(5))).contains(Duration.ofSeconds(2).minus(NANO));
    }

    @Test
    void retryAfterDoesNotRetryPastTheLimit() {
        ReconnectBackoff backoff = ReconnectBackoff.builder().maxRetries(1).clock(clock).build();
        backoff.nextDelay();

        assertThat(backoff.nextDelay(Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void builderRejectsNonsense() {
        assertThatThrownBy(() -> ReconnectBackoff.builder().maxRetries(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxRetries: -1 (expected >= 0)");
        assertThatThrownBy(() -> ReconnectBackoff.builder().baseTime(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("baseTime: PT0S");
        assertThatThrownBy(() -> ReconnectBackoff.builder().build().nextDelay(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("retryAfter: PT-1S");
    }

    private static List<Duration> drain(ReconnectBackoff backoff) {
        List<Duration> delays = new ArrayList<>();
        for (Optional<Duration> delay = backoff.nextDelay(); delay.isPresent(); delay = backoff.nextDelay()) {
            delays.add(delay.get());
        }
        return delays;
    }

    /** Always picks the largest value below the bound, so each delay shows its ceiling. */
    private static final class Highest implements RandomGenerator {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    }

    /** Always picks zero. */
    private static final class Lowest implements RandomGenerator {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return 0;
        }
    }

    /** A clock that moves only when told. */
    private static final class FakeClock extends Clock {
        private Instant now = Instant.parse("2026-01-02T03:04:05Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
