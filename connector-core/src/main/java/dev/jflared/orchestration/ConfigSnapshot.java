package dev.jflared.orchestration;

import static java.util.Objects.requireNonNull;

import dev.jflared.config.WarpRoutingConfig;
import dev.jflared.ingress.Ingress;
import dev.jflared.ingress.OriginRequestConfig;

/**
 * One configuration of a running tunnel: what requests are routed by, immutable, shared by every request that
 * started while it was current.
 *
 * @param version the version the edge numbered it with; {@link Orchestrator#LOCAL_VERSION} for the configuration
 *     read at start-up (config file and flags)
 * @param ingress the validated ingress rules
 * @param warpRouting the {@code warp-routing} settings
 * @param originRequestDefaults the top-level {@code originRequest} with cloudflared's defaults resolved, which the
 *     rules were resolved against
 */
public record ConfigSnapshot(
        int version, Ingress ingress, WarpRoutingConfig warpRouting, OriginRequestConfig originRequestDefaults) {

    public ConfigSnapshot {
        if (version < Orchestrator.LOCAL_VERSION) {
            throw new IllegalArgumentException("version must be >= -1: " + version);
        }
        requireNonNull(ingress, "ingress");
        requireNonNull(warpRouting, "warpRouting");
        requireNonNull(originRequestDefaults, "originRequestDefaults");
    }
}
