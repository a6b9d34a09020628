package dev.jflared.transport;

import dev.jflared.proxy.OriginProxy;
import dev.jflared.rpc.schema.UpdateConfigurationResponse;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What a registered connection serves, supplied by the supervisor: the origin proxy for data streams and the
 * orchestrator for configuration. Shared by every connection of a tunnel; thread-safe.
 */
public interface ConnectionServices {

    /** Where every request stream the edge opens goes. */
    OriginProxy proxy();

    /**
     * Applies a configuration pushed by the edge ({@code updateConfiguration} over QUIC, {@code PUT} with
     * {@code update-configuration} over HTTP/2). Never fails: a refused configuration is answered with the
     * version still in force and the reason in {@code err}.
     *
     * @param version the pushed version; an older or equal one is not applied
     * @param configJson the configuration, {@code {"ingress":[...],"warp-routing":{...},"originRequest":{...}}}
     */
    CompletionStage<UpdateConfigurationResponse> updateConfiguration(int version, String configJson);

    /**
     * The local configuration that connection 0 of a locally managed tunnel sends with
     * {@code updateLocalConfiguration} after registering (cloudflared {@code connection/control.go}); empty when
     * there is nothing to send.
     */
    Optional<String> localConfigurationJson();
}
