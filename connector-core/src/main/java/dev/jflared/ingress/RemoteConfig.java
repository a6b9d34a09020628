package dev.jflared.ingress;

import static java.util.Objects.requireNonNull;

import dev.jflared.config.WarpRoutingConfig;

/**
 * A configuration pushed by the edge for a remotely managed tunnel ({@code updateConfiguration}): the
 * validated ingress and the warp-routing settings (cloudflared {@code ingress.RemoteConfig}). Parse one with
 * {@link IngressParser#parseRemoteConfig(String)}.
 */
public record RemoteConfig(Ingress ingress, WarpRoutingConfig warpRouting) {

    public RemoteConfig {
        requireNonNull(ingress, "ingress");
        requireNonNull(warpRouting, "warpRouting");
    }
}
