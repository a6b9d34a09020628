package dev.jflared.quic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.rpc.RpcException;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The keep-alive's schedule and failure handling, on an event loop whose clock the test drives. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ControlStreamKeepAliveTest {

    private static final Duration PERIOD = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final ControlStreamKeepAlive keepAlive =
            new ControlStreamKeepAlive(channel.eventLoop(), 0, PERIOD, TIMEOUT);
    /** One future per ping asked, completed by the test as the edge would answer. */
    private final List<CompletableFuture<Duration>> pings = new ArrayList<>();
    private final List<Duration> timeouts = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();

    ControlStreamKeepAliveTest() {
        channel.freezeTime();
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Test
    void pingsEveryPeriodButNeverTwiceAtOnce() {
        keepAlive.start(this::ping, failures::add);

        elapse(PERIOD);
        int afterFirstPeriod = pings.size();
        elapse(PERIOD.multipliedBy(2));
        int whileOutstanding = pings.size();
        pings.get(0).complete(Duration.ofMillis(30));
        elapse(PERIOD);

        assertThat(afterFirstPeriod).isOne();
        assertThat(whileOutstanding).isOne();
        assertThat(pings).hasSize(2);
        assertThat(timeouts).containsOnly(TIMEOUT);
        assertThat(keepAlive.isHealthy()).isTrue();
    }

    @Test
    void failedPingMakesTheConnectionUnhealthyAndEndsThePings() {
        keepAlive.start(this::ping, failures::add);
        elapse(PERIOD);

        pings.get(0).completeExceptionally(new RpcException(RpcException.Type.FAILED, "rpc: ping got no answer"));
        elapse(PERIOD.multipliedBy(5));

        assertThat(keepAlive.isHealthy()).isFalse();
        assertThat(pings).hasSize(1);
        assertThat(failures).singleElement().satisfies(failure -> assertThat(failure)
                .isInstanceOf(RpcException.class).hasMessageContaining("rpc: ping got no answer"));
    }

    @Test
    void stopEndsThePingsAndALaterFailureIsNotTheConnectionsFault() {
        keepAlive.start(this::ping, failures::add);
        elapse(PERIOD);

        keepAlive.stop();
        pings.get(0).completeExceptionally(new RpcException(RpcException.Type.DISCONNECTED, "rpc: shutdown"));
        elapse(PERIOD.multipliedBy(5));
        keepAlive.start(this::ping, failures::add);
        elapse(PERIOD.multipliedBy(2));

        assertThat(pings).hasSize(1);
        assertThat(keepAlive.isHealthy()).isTrue();
        assertThat(failures).isEmpty();
    }

    private CompletionStage<Duration> ping(Duration timeout) {
        timeouts.add(timeout);
        CompletableFuture<Duration> answer = new CompletableFuture<>();
        pings.add(answer);
        return answer;
    }

    private void elapse(Duration duration) {
        for (long s = 0; s < duration.toSeconds(); s++) {
            channel.advanceTimeBy(1, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
        }
    }
}
