package dev.jflared.transport;

import static java.util.Objects.requireNonNull;

import dev.jflared.edge.EdgeAddress;
import dev.jflared.edge.EdgeTrust;
import dev.jflared.metrics.ConnectionMetrics;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;

/**
 * Everything a transport needs to connect and register one connection.
 *
 * @param connIndex the HA connection index, 0 to {@code ha-connections - 1}
 * @param address the edge address to dial
 * @param trust the CAs trusted for the edge's certificate
 * @param registration what to register with
 * @param services what the connection serves once registered
 * @param eventLoopGroup where the connection's channel is registered; the transport takes one loop for it and
 *     every stream and origin connection of that connection stays on it
 * @param registrationTimeout how long dialling plus registering may take
 * @param metrics where the connection reports its transport's figures and its local configuration push;
 *     {@link ConnectionMetrics#none()} when the tunnel records no metrics
 */
public record EdgeConnectRequest(
        int connIndex,
        EdgeAddress address,
        EdgeTrust trust,
        RegistrationInfo registration,
        ConnectionServices services,
        EventLoopGroup eventLoopGroup,
        Duration registrationTimeout,
        ConnectionMetrics metrics) {

    public EdgeConnectRequest {
        if (connIndex < 0 || connIndex > 255) {
            throw new IllegalArgumentException("connIndex must be in 0..255: " + connIndex);
        }
        requireNonNull(address, "address");
        requireNonNull(trust, "trust");
        requireNonNull(registration, "registration");
        requireNonNull(services, "services");
        requireNonNull(eventLoopGroup, "eventLoopGroup");
        requireNonNull(registrationTimeout, "registrationTimeout");
        requireNonNull(metrics, "metrics");
    }

    /** A request whose connection records no metrics ({@link ConnectionMetrics#none()}). */
    public EdgeConnectRequest(int connIndex, EdgeAddress address, EdgeTrust trust, RegistrationInfo registration,
            ConnectionServices services, EventLoopGroup eventLoopGroup, Duration registrationTimeout) {
        this(connIndex, address, trust, registration, services, eventLoopGroup, registrationTimeout,
                ConnectionMetrics.none());
    }
}
