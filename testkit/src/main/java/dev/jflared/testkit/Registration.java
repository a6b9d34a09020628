package dev.jflared.testkit;

import static java.util.Objects.requireNonNull;

import dev.jflared.transport.Protocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One {@code registerConnection} call a {@link LocalEdge} answered, as the connector sent it. The tunnel secret is
 * never kept.
 *
 * @param connIndex the HA connection index the connector asked for
 * @param protocol the transport the connection came over
 * @param clientId the connector's id (one per connector process)
 * @param features the connector's feature flags, in wire order
 * @param version the connector's version string
 * @param arch the connector's {@code os_cpu}, e.g. {@code linux_amd64}
 * @param numPreviousAttempts how often the connector retried this connection index
 * @param originLocalIp the connector's local address of the edge connection
 * @param remoteAddress where the connection came from
 * @param connectionUuid the id the edge gave the connection; empty when rejected (and while being decided)
 * @param cause why the edge rejected the registration; empty when accepted (and while being decided)
 */
public record Registration(int connIndex, Protocol protocol, UUID clientId, List<String> features, String version,
        String arch, int numPreviousAttempts, InetAddress originLocalIp, InetSocketAddress remoteAddress,
        Optional<UUID> connectionUuid, Optional<String> cause) {

    public Registration {
        requireNonNull(protocol, "protocol");
        requireNonNull(clientId, "clientId");
        features = List.copyOf(features);
        requireNonNull(version, "version");
        requireNonNull(arch, "arch");
        requireNonNull(originLocalIp, "originLocalIp");
        requireNonNull(remoteAddress, "remoteAddress");
        requireNonNull(connectionUuid, "connectionUuid");
        requireNonNull(cause, "cause");
    }

    /** Whether the edge accepted the registration. */
    public boolean accepted() {
        return connectionUuid.isPresent();
    }

    /** {@code ok} or {@code rejected}, as the {@code register} event says. */
    public String result() {
        return accepted() ? "ok" : "rejected";
    }

    Registration accept(UUID uuid) {
        return new Registration(connIndex, protocol, clientId, features, version, arch, numPreviousAttempts,
                originLocalIp, remoteAddress, Optional.of(uuid), Optional.empty());
    }

    Registration reject(String why) {
        return new Registration(connIndex, protocol, clientId, features, version, arch, numPreviousAttempts,
                originLocalIp, remoteAddress, Optional.empty(), Optional.of(why));
    }
}
