package dev.jflared.quic;

import java.net.InetSocketAddress;

/**
 * The QUIC connection to an edge address could not be established: UDP socket, handshake (including certificate
 * verification) or handshake timeout. A connection error: the supervisor retries, possibly with another address
 * (cloudflared's {@code EdgeQuicDialError}, {@code connection/errors.go}).
 */
public final class EdgeQuicDialException extends Exception {

    private static final long serialVersionUID = 1L;

    private final InetSocketAddress edgeAddress;

    EdgeQuicDialException(InetSocketAddress edgeAddress, Throwable cause, String hint) {
        super("failed to dial to edge with quic: " + edgeAddress + ": " + describe(cause) + hint, cause);
        this.edgeAddress = edgeAddress;
    }

    /** The edge address that was dialled. */
    public InetSocketAddress edgeAddress() {
        return edgeAddress;
    }

    private static String describe(Throwable cause) {
        StringBuilder text = new StringBuilder(String.valueOf(cause));
        for (Throwable inner = cause.getCause(); inner != null && inner != inner.getCause(); inner = inner.getCause()) {
            text.append(": ").append(inner);
        }
        return text.toString();
    }
}
