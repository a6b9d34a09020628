package dev.jflared.transport;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The edge refused to register a connection: its {@code ConnectionError} (cloudflared
 * {@code tunnelrpc/proto/tunnelrpc.capnp}). A connection error: the connection is closed, and the supervisor
 * retries after {@link #retryAfter()} only when {@link #shouldRetry()}; otherwise the connector stops with this
 * cause (for example wrong credentials).
 */
public final class RegistrationRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;
    private final boolean shouldRetry;

    public RegistrationRejectedException(String cause, Duration retryAfter, boolean shouldRetry) {
        super(requireNonNull(cause, "cause"));
        this.retryAfter = requireNonNull(retryAfter, "retryAfter");
        this.shouldRetry = shouldRetry;
    }

    /** How long the edge asks to wait before trying again (zero when it does not say). */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whether trying again can succeed; false for wrong credentials or a deleted tunnel. */
    public boolean shouldRetry() {
        return shouldRetry;
    }
}
