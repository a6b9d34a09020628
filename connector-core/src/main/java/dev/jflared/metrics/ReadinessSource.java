package dev.jflared.metrics;

import java.util.UUID;

/**
 * What {@code /ready} reports, provided by the supervisor. Both methods are called on the metrics server's event
 * loop for every request, so they must return at once (read a field or an atomic, never wait).
 */
public interface ReadinessSource {

    /** This connector's id (the {@code clientId} it registers with), constant for the life of the process. */
    UUID connectorId();

    /**
     * The number of edge connections that are registered and serving requests right now. A connection that is
     * dialling, registering, reconnecting or draining does not count.
     */
    int readyConnections();
}
