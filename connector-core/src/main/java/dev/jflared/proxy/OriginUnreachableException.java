package dev.jflared.proxy;

/**
 * The origin of a rule could not be reached, or failed before answering: refused, unreachable, timed out, a TLS
 * failure, or a connection lost before the response head. The message follows cloudflared's
 * ({@code proxy/proxy.go}), and the cause says what happened.
 */
public final class OriginUnreachableException extends Exception {

    private static final long serialVersionUID = 1L;

    public OriginUnreachableException(Throwable cause) {
        super("Unable to reach the origin service. The service may be down or it may not be responding to traffic "
                + "from cloudflared: " + describe(cause), cause);
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }
}
