package dev.jflared.edge;

/**
 * The edge's addresses could not be found: the SRV lookup failed on the system resolver and on the DNS-over-TLS
 * fallback, an SRV target did not resolve, fewer than two regions came back, or no {@code --edge} address
 * resolved. The message is for the user: it names the DNS name or flag and what to check. Nothing has been
 * connected when it is raised; the tunnel cannot start.
 */
public final class EdgeDiscoveryException extends Exception {

    private static final long serialVersionUID = 1L;

    EdgeDiscoveryException(String message) {
        super(message);
    }

    EdgeDiscoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
