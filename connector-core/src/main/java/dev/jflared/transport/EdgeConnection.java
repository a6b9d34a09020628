package dev.jflared.transport;

import dev.jflared.edge.EdgeAddress;
import dev.jflared.rpc.schema.ConnectionDetails;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * One registered connection to the edge, serving the streams the edge opens. Thread-safe.
 *
 * <h2>Closing</h2>
 * {@link #shutdown} is the graceful way: it unregisters (so the edge sends no new streams), lets the streams in
 * flight finish within the grace period, then closes. {@link #close()} closes at once. Either way, and when the
 * connection is lost, {@link #closeFuture()} completes: normally after a shutdown or close, exceptionally with
 * the cause when the connection was lost.
 */
public interface EdgeConnection extends AutoCloseable {

    /** The HA connection index. */
    int connIndex();

    /** The protocol this connection speaks. */
    Protocol protocol();

    /** The edge address it is connected to. */
    EdgeAddress address();

    /** What the edge answered to the registration: connection uuid, location, remote management. */
    ConnectionDetails details();

    /** How many request streams are being served now. */
    int activeStreams();

    /**
     * Whether the connection is really serving: registered, not shutting down, and its transport alive (for
     * QUIC: no idle timeout or failed keep-alive). {@code /ready} counts only these.
     */
    boolean isServing();

    /** Completes when the connection has closed; see the class doc. */
    CompletionStage<Void> closeFuture();

    /** Unregisters, waits up to {@code gracePeriod} for streams in flight, then closes; see the class doc. */
    CompletionStage<Void> shutdown(Duration gracePeriod);

    /** Closes at once, resetting streams in flight. */
    @Override
    void close();
}
