package dev.jflared.testkit;

import dev.jflared.transport.Protocol;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * One connector connection at a {@link LocalEdge}, whatever its transport. {@link QuicEdgeSession} implements it
 * for QUIC; an HTTP/2 listener adds one class implementing it and feeds its control stream to the same
 * {@link RegistrationService}.
 *
 * <h2>Lifecycle</h2>
 * A session exists from the connection's handshake to its close. It is routed eyeball requests from the moment
 * {@link EdgeState#registered} accepts its registration until it unregisters or closes.
 *
 * <p>Every method may be called from any thread.
 */
interface EdgeSession {

    Protocol protocol();

    /** Where the connection came from. */
    InetSocketAddress remoteAddress();

    /**
     * Opens a new stream toward the connector for {@code exchange}'s request and writes the request head. The
     * future completes on the session's loop; a failure means the request could not be forwarded.
     */
    Future<RequestStream> openRequestStream(EyeballExchange exchange);

    /** Pushes a remotely managed configuration; the result never fails (a failure is carried in its err). */
    CompletableFuture<ConfigPushResult> pushConfig(int connIndex, int version, String json);

    /** Closes the connection abruptly, as a lost connection: no unregistration, no goodbye. */
    void drop();

    /**
     * Stops reading the control stream, so the connector's RPC there goes unanswered while the connection itself
     * stays up: an edge whose side of the connection is wedged.
     */
    void stallControlStream();
}
