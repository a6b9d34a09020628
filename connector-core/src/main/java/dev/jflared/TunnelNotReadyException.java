package dev.jflared;

/**
 * {@link Tunnel#awaitReady} gave up: no connection was serving in time, or the tunnel stopped for good (for
 * example the edge refused the credentials). The cause is the last error a connection met, when there was one:
 * a {@link dev.jflared.transport.RegistrationRejectedException} carries the edge's own reason.
 */
public final class TunnelNotReadyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TunnelNotReadyException(String message, Throwable cause) {
        super(message, cause);
    }
}
