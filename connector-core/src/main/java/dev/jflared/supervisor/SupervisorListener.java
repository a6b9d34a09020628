package dev.jflared.supervisor;

import dev.jflared.transport.EdgeConnectRequest;
import dev.jflared.transport.EdgeConnection;
import dev.jflared.transport.Protocol;
import java.time.Duration;

/**
 * What the supervisor reports as it keeps the connections up, one call per event, on the supervisor's event loop.
 * Every method does nothing by default; implementations must return quickly and never block. An exception thrown
 * by a listener is logged and otherwise ignored.
 */
public interface SupervisorListener {

    /** A connection attempt starts with {@code request} over {@code protocol}. */
    default void connecting(EdgeConnectRequest request, Protocol protocol) {}

    /** {@code connection} registered and serves. */
    default void registered(EdgeConnection connection) {}

    /** Connection {@code connIndex} could not connect or register, or was lost, with {@code cause}. */
    default void failed(int connIndex, Throwable cause) {}

    /** Connection {@code connIndex} will be tried again after {@code delay}. */
    default void retrying(int connIndex, Duration delay) {}

    /** Connection {@code connIndex} switches to {@code protocol} for its next attempts. */
    default void protocolChanged(int connIndex, Protocol protocol) {}

    /** {@code connection} was shut down gracefully: unregistered and drained. */
    default void unregistered(EdgeConnection connection) {}
}
