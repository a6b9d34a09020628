package dev.jflared.config;

/**
 * Tunnel credentials that cannot be found or read: a missing or unreadable credentials file, malformed JSON,
 * a missing field, bad base64, a bad UUID, an invalid token, or a tunnel id that disagrees with the
 * configuration. The message never contains the tunnel secret, the token or the credentials contents.
 */
public final class CredentialsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CredentialsException(String message) {
        super(message);
    }

    public CredentialsException(String message, Throwable cause) {
        super(message, cause);
    }
}
