package dev.jflared.orchestration;

import static java.util.Objects.requireNonNull;

import dev.jflared.proxy.OriginProxy;
import dev.jflared.rpc.schema.UpdateConfigurationResponse;
import dev.jflared.transport.ConnectionServices;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What every connection of a tunnel serves: the origin proxy for request streams and the orchestrator for
 * configuration pushes and the local configuration. Thread-safe, as both parts are.
 *
 * <pre>{@code
 * TunnelServices services = new TunnelServices(proxy, orchestrator);
 * TunnelSupervisor.builder()...services(services).build();
 * }</pre>
 */
public final class TunnelServices implements ConnectionServices {

    private final OriginProxy proxy;
    private final Orchestrator orchestrator;

    public TunnelServices(OriginProxy proxy, Orchestrator orchestrator) {
        this.proxy = requireNonNull(proxy, "proxy");
        this.orchestrator = requireNonNull(orchestrator, "orchestrator");
    }

    @Override
    public OriginProxy proxy() {
        return proxy;
    }

    /** The orchestrator whose configuration the connections serve. */
    public Orchestrator orchestrator() {
        return orchestrator;
    }

    /** Applied at once on the calling thread: parsing a configuration is quick and never blocks. */
    @Override
    public CompletionStage<UpdateConfigurationResponse> updateConfiguration(int version, String configJson) {
        return CompletableFuture.completedFuture(orchestrator.updateConfiguration(version, configJson));
    }

    @Override
    public Optional<String> localConfigurationJson() {
        return Optional.of(orchestrator.localConfigurationJson());
    }
}
