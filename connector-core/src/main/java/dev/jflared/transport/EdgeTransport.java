package dev.jflared.transport;

import java.util.concurrent.CompletableFuture;

/**
 * One way of connecting to the edge, implemented by a transport module ({@code transport-quic},
 * {@code transport-http2}) and found with {@link java.util.ServiceLoader} (see {@link EdgeTransports}).
 * Implementations have a public no-argument constructor, hold no per-connection state and are thread-safe.
 *
 * <h2>Lifecycle of one connection</h2>
 * {@link #connect} dials the edge, opens the control stream and registers the connection with the request's
 * credentials. The future completes with the registered {@link EdgeConnection}, which then serves every stream
 * the edge opens through {@link ConnectionServices}, until it is shut down or lost.
 *
 * <h2>Errors</h2>
 * The future fails with {@link RegistrationRejectedException} when the edge refused the registration, and with
 * any other exception when the edge could not be reached or the handshake failed. A transport never retries:
 * the supervisor decides.
 */
public interface EdgeTransport {

    /** The protocol this transport speaks. */
    Protocol protocol();

    /** Connects and registers one connection; see the class doc. */
    CompletableFuture<EdgeConnection> connect(EdgeConnectRequest request);
}
