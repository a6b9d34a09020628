package dev.jflared.transport;

import static java.util.Objects.requireNonNull;

import dev.jflared.config.TunnelCredentials;
import java.util.List;
import java.util.UUID;

/**
 * What a connection tells the edge when it registers: cloudflared's {@code registerConnection} arguments
 * ({@code connection/control.go}, {@code tunnelrpc/pogs}). {@link #toString()} never shows the secret.
 *
 * @param credentials the tunnel's account tag, secret and id
 * @param connectorId this process's connector id, the same for every connection ({@code ClientInfo.clientId})
 * @param features the feature strings announced ({@code ClientInfo.features})
 * @param version the connector version announced
 * @param arch the platform, such as {@code linux_amd64}
 * @param replaceExisting ask the edge to drop an older connection with the same index
 * @param numPreviousAttempts how many times this connection index was tried before, since it last registered
 */
public record RegistrationInfo(
        TunnelCredentials credentials,
        UUID connectorId,
        List<String> features,
        String version,
        String arch,
        boolean replaceExisting,
        int numPreviousAttempts) {

    /** The features cloudflared 2025.5.0 announces ({@code features/features.go}, golden registration). */
    public static final List<String> DEFAULT_FEATURES = List.of(
            "allow_remote_config", "serialized_headers", "support_datagram_v2", "support_quic_eof",
            "management_logs");

    public RegistrationInfo {
        requireNonNull(credentials, "credentials");
        requireNonNull(connectorId, "connectorId");
        features = List.copyOf(features);
        requireNonNull(version, "version");
        requireNonNull(arch, "arch");
        if (numPreviousAttempts < 0 || numPreviousAttempts > 255) {
            throw new IllegalArgumentException("numPreviousAttempts must be in 0..255: " + numPreviousAttempts);
        }
    }

    /** The same registration, for the next attempt of the same connection index. */
    public RegistrationInfo withPreviousAttempts(int attempts) {
        return new RegistrationInfo(credentials, connectorId, features, version, arch, replaceExisting, attempts);
    }
}
