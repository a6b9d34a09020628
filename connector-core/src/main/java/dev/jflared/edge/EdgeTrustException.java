package dev.jflared.edge;

/**
 * Raised when the certificates to trust for the edge cannot be loaded: an unreadable {@code --cacert} file, one
 * that holds no PEM certificate, or a broken bundled resource. The message names the file and what to do; it is
 * meant for the user. Nothing has been connected when it is raised.
 */
public final class EdgeTrustException extends Exception {

    private static final long serialVersionUID = 1L;

    EdgeTrustException(String message) {
        super(message);
    }

    EdgeTrustException(String message, Throwable cause) {
        super(message, cause);
    }
}
