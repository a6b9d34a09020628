package dev.jflared.metrics;

/**
 * The metrics server could not start: its address is malformed, or nothing could be bound. The message names the
 * address and, for a bind failure, the reason the system gave.
 */
public final class MetricsServerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MetricsServerException(String message) {
        super(message);
    }

    public MetricsServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
