package dev.jflared.cli;

import static java.util.Objects.requireNonNull;

import dev.jflared.config.TunnelCredentials;
import dev.jflared.edge.EdgeAddressPool;
import dev.jflared.edge.EdgeDiscovery;
import dev.jflared.edge.EdgeTrust;
import dev.jflared.supervisor.TunnelSupervisorBuilder;
import java.util.Optional;

/**
 * What {@code tunnel run} connects to and with: the tunnel's credentials, the CAs its edge certificate must chain
 * to, and where the edge is (fixed addresses, or a discovery that finds them).
 *
 * @param credentials the tunnel's credentials
 * @param trust the CAs trusted for the edge
 * @param addresses fixed edge addresses, when known up front (an in-process edge)
 * @param discovery how to find the edge otherwise (SRV, or the {@code --edge} values)
 */
record EdgeTarget(TunnelCredentials credentials, EdgeTrust trust, Optional<EdgeAddressPool> addresses,
        Optional<EdgeDiscovery> discovery) {

    EdgeTarget {
        requireNonNull(credentials, "credentials");
        requireNonNull(trust, "trust");
        if (addresses.isPresent() == discovery.isPresent()) {
            throw new IllegalArgumentException("exactly one of addresses and discovery must be given");
        }
    }

    /** Sets credentials, trust and the edge's whereabouts on {@code builder}. */
    TunnelSupervisorBuilder applyTo(TunnelSupervisorBuilder builder) {
        builder.credentials(credentials).trust(trust);
        addresses.ifPresent(builder::edgeAddresses);
        discovery.ifPresent(builder::edgeDiscovery);
        return builder;
    }
}
