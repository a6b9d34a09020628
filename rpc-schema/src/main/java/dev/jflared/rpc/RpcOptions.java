package dev.jflared.rpc;

import static java.util.Objects.requireNonNull;

import dev.jflared.rpc.framing.CapnpLimits;
import java.time.Duration;

/**
 * Settings of one {@link RpcConnection}.
 *
 * @param limits what one received message may cost; {@link CapnpLimits#DEFAULT} by default
 * @param callTimeout how long a call waits for its {@code Return} unless the call names its own timeout;
 *        {@link #DEFAULT_CALL_TIMEOUT} by default
 */
public record RpcOptions(CapnpLimits limits, Duration callTimeout) {

    /** 30 seconds: registration normally answers within a second; the supervisor retries after a failure. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

    public static final RpcOptions DEFAULT = new RpcOptions(CapnpLimits.DEFAULT, DEFAULT_CALL_TIMEOUT);

    public RpcOptions {
        requireNonNull(limits, "limits");
        requireNonNull(callTimeout, "callTimeout");
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("callTimeout must be positive: " + callTimeout);
        }
    }

    public RpcOptions withCallTimeout(Duration timeout) {
        return new RpcOptions(limits, timeout);
    }

    public RpcOptions withLimits(CapnpLimits newLimits) {
        return new RpcOptions(newLimits, callTimeout);
    }
}
