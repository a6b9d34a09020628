package dev.jflared.quic;

import java.io.IOException;

/**
 * A registered QUIC connection to the edge ended without being shut down or closed by us: the idle timeout
 * fired, the edge closed the connection, or the UDP path failed. A connection error: the supervisor reconnects.
 * The message says which, in cloudflared's words where it has them ({@code timeout: no recent network activity}).
 */
public final class QuicConnectionLostException extends IOException {

    private static final long serialVersionUID = 1L;

    QuicConnectionLostException(String message) {
        super(message);
    }

    QuicConnectionLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
