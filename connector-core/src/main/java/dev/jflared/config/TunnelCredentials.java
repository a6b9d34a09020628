package dev.jflared.config;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/**
 * What a connector proves its tunnel with: the account, the tunnel's secret and its id (cloudflared
 * {@code connection.Credentials}). Read them with {@link CredentialsLoader}.
 *
 * <p>The secret is copied in and out, and never shown: {@link #toString()} prints {@code <redacted>}.
 *
 * @param accountTag the Cloudflare account tag
 * @param tunnelSecret the tunnel secret's bytes
 * @param tunnelId the tunnel's UUID
 * @param endpoint the edge endpoint for this tunnel (e.g. {@code fed}), if any
 */
public record TunnelCredentials(String accountTag, byte[] tunnelSecret, UUID tunnelId, Optional<String> endpoint) {

    public TunnelCredentials {
        requireNonNull(accountTag, "accountTag");
        tunnelSecret = requireNonNull(tunnelSecret, "tunnelSecret").clone();
        requireNonNull(tunnelId, "tunnelId");
        requireNonNull(endpoint, "endpoint");
    }

    /** A copy of the secret; the caller may overwrite it when done. */
    @Override
    public byte[] tunnelSecret() {
        return tunnelSecret.clone();
    }

    /** The same credentials for another tunnel id. */
    public TunnelCredentials withTunnelId(UUID id) {
        return new TunnelCredentials(accountTag, tunnelSecret, id, endpoint);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TunnelCredentials that
                && accountTag.equals(that.accountTag)
                && Arrays.equals(tunnelSecret, that.tunnelSecret)
                && tunnelId.equals(that.tunnelId)
                && endpoint.equals(that.endpoint);
    }

    @Override
    public int hashCode() {
        return ((accountTag.hashCode() * 31 + Arrays.hashCode(tunnelSecret)) * 31 + tunnelId.hashCode()) * 31
                + endpoint.hashCode();
    }

    @Override
    public String toString() {
        return "TunnelCredentials[accountTag=" + accountTag + ", tunnelSecret=<redacted>, tunnelId=" + tunnelId
                + ", endpoint=" + endpoint.orElse("") + "]";
    }
}
