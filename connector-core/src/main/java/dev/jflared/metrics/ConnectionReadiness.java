package dev.jflared.metrics;

import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ReadinessSource} fed by connection events, as cloudflared's connection tracker is: a connection index
 * counts from the moment it is registered until it disconnects, starts reconnecting or registers again.
 * Thread-safe; each call is one concurrent set operation.
 */
public final class ConnectionReadiness implements ReadinessSource {

    private final UUID connectorId;
    private final Set<Integer> connected = ConcurrentHashMap.newKeySet();

    public ConnectionReadiness(UUID connectorId) {
        this.connectorId = Objects.requireNonNull(connectorId, "connectorId");
    }

    /** Connection {@code connIndex} registered and now serves requests. Repeating it changes nothing. */
    public void connected(int connIndex) {
        connected.add(connIndex);
    }

    /** Connection {@code connIndex} no longer serves: it disconnected, is reconnecting or is registering again. */
    public void disconnected(int connIndex) {
        connected.remove(connIndex);
    }

    @Override
    public UUID connectorId() {
        return connectorId;
    }

    @Override
    public int readyConnections() {
        return connected.size();
    }
}
