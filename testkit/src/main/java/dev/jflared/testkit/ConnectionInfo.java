package dev.jflared.testkit;

import static java.util.Objects.requireNonNull;

import dev.jflared.transport.Protocol;
import java.net.InetSocketAddress;
import java.util.UUID;

/**
 * A connection a connector registered with a {@link LocalEdge}.
 *
 * @param connIndex the connector's HA connection index
 * @param protocol the transport
 * @param clientId the connector's id
 * @param connectionUuid the id the edge gave the connection
 * @param location the location name the edge answered with
 * @param remoteAddress where the connection came from
 */
public record ConnectionInfo(int connIndex, Protocol protocol, UUID clientId, UUID connectionUuid, String location,
        InetSocketAddress remoteAddress) {

    public ConnectionInfo {
        requireNonNull(protocol, "protocol");
        requireNonNull(clientId, "clientId");
        requireNonNull(connectionUuid, "connectionUuid");
        requireNonNull(location, "location");
        requireNonNull(remoteAddress, "remoteAddress");
    }
}
