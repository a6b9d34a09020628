package dev.jflared.quic;

import static java.util.Objects.requireNonNull;

import dev.jflared.rpc.RpcException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keep-alive of one QUIC connection: every period, a ping on its control stream
 * ({@link dev.jflared.transport.ControlStream#ping}), which stands in for the QUIC PING that Netty cannot send (see
 * {@link QuicEdgeConnection}, "Keep-alive").
 *
 * <h2>Lifecycle</h2>
 * {@link #start} once registered; from then on each period sends a ping unless the previous one is still waiting
 * for its answer. {@link #stop} ends the ticks; a ping still outstanding then fails or completes unnoticed.
 *
 * <h2>Errors</h2>
 * The first ping that fails (its timeout, or an exception from the edge) makes {@link #isHealthy()} false for good,
 * ends the ticks and is handed to the failure callback: the connection stops counting as ready, and its owner
 * closes it so that the supervisor reconnects. It is logged once, at WARN, or at DEBUG when the
 * control stream itself ended (the connection is going away and says so itself).
 *
 * <h2>Threads</h2>
 * {@link #start} and {@link #stop} may be called from any thread; the work runs on the connection's event loop.
 * {@link #isHealthy()} reads a volatile.
 */
final class ControlStreamKeepAlive {

    private static final Logger logger = LoggerFactory.getLogger(ControlStreamKeepAlive.class);

    private final EventLoop loop;
    private final int connIndex;
    private final Duration period;
    private final Duration timeout;
    private volatile boolean healthy = true;

    // Event-loop confined.
    private Function<Duration, CompletionStage<Duration>> ping;
    private Consumer<Throwable> onFailure;
    private ScheduledFuture<?> ticks;
    private boolean outstanding;
    private boolean stopped;

    /**
     * @param period how often to ping
     * @param timeout how long a ping may wait for its answer
     */
    ControlStreamKeepAlive(EventLoop loop, int connIndex, Duration period, Duration timeout) {
        this.loop = requireNonNull(loop, "loop");
        this.connIndex = connIndex;
        this.period = requireNonNull(period, "period");
        this.timeout = requireNonNull(timeout, "timeout");
    }

    /**
     * Starts pinging every period with {@code ping}, which is given the timeout and completes with the round trip
     * (as {@code ControlStream::ping}); {@code onFailure} hears the first failure, on the event loop, unless
     * {@link #stop} came first. Does nothing once stopped or when already started.
     */
    void start(Function<Duration, CompletionStage<Duration>> ping, Consumer<Throwable> onFailure) {
        requireNonNull(ping, "ping");
        requireNonNull(onFailure, "onFailure");
        execute(() -> {
            if (stopped || this.ping != null) {
                return;
            }
            this.ping = ping;
            this.onFailure = onFailure;
            ticks = loop.scheduleAtFixedRate(this::tick, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
        });
    }

    /** Stops pinging for good. Idempotent. */
    void stop() {
        execute(this::stopTicks);
    }

    /** False once a ping failed. */
    boolean isHealthy() {
        return healthy;
    }

    private void tick() {
        if (stopped || outstanding) {
            return;
        }
        outstanding = true;
        ping.apply(timeout).whenComplete((roundTrip, failure) -> execute(() -> answered(roundTrip, failure)));
    }

    private void answered(Duration roundTrip, Throwable failure) {
        outstanding = false;
        if (stopped) {
            return;
        }
        if (failure == null) {
            logger.atTrace().addKeyValue("connIndex", connIndex).addKeyValue("rtt", roundTrip)
                    .log("control stream keep-alive answered");
            return;
        }
        healthy = false;
        stopTicks();
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        boolean streamEnded = cause instanceof RpcException rpc && rpc.type() == RpcException.Type.DISCONNECTED;
        (streamEnded ? logger.atDebug() : logger.atWarn()).setCause(cause).addKeyValue("connIndex", connIndex)
                .log("control stream keep-alive failed; the connection no longer counts as ready");
        onFailure.accept(cause);
    }

    private void stopTicks() {
        stopped = true;
        if (ticks != null) {
            ticks.cancel(false);
            ticks = null;
        }
    }

    private void execute(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }
}
