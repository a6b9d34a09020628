package dev.jflared;

import static java.util.Objects.requireNonNull;

import dev.jflared.transport.Protocol;
import java.net.InetSocketAddress;
import java.util.UUID;

/**
 * One registered connection of a running {@link Tunnel}, as cloudflared logs it in
 * {@code Registered tunnel connection connIndex=0 connection=<uuid> ip=<edge ip> location=<colo> protocol=quic}.
 *
 * @param index the HA connection index, 0 to {@code haConnections - 1}
 * @param location the edge location the connection registered with, such as {@code lhr01}
 * @param protocol the protocol it speaks
 * @param edgeAddress the edge address it is connected to
 * @param connectionId the connection's uuid, as the edge assigned it
 */
public record TunnelConnection(
        int index, String location, Protocol protocol, InetSocketAddress edgeAddress, UUID connectionId) {

    public TunnelConnection {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0: " + index);
        }
        requireNonNull(location, "location");
        requireNonNull(protocol, "protocol");
        requireNonNull(edgeAddress, "edgeAddress");
        requireNonNull(connectionId, "connectionId");
    }
}
