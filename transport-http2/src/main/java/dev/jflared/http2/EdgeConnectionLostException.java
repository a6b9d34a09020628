package dev.jflared.http2;

import java.io.IOException;

/**
 * The HTTP/2 connection to the edge ended without our asking: the TCP/TLS connection was lost, or the edge sent
 * GOAWAY. A connection error: the connection is gone, and the supervisor reconnects (cloudflared logs
 * {@code Lost connection with the edge} and returns {@code errEdgeConnectionClosed}, {@code connection/http2.go}).
 */
public final class EdgeConnectionLostException extends IOException {

    private static final long serialVersionUID = 1L;

    public EdgeConnectionLostException(String message) {
        super(message);
    }

    public EdgeConnectionLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
