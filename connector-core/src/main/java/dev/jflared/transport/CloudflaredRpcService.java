package dev.jflared.transport;

import static java.util.Objects.requireNonNull;

import dev.jflared.metrics.ConnectionMetrics;
import dev.jflared.metrics.RpcMetrics;
import dev.jflared.rpc.CapabilityServer;
import dev.jflared.rpc.RpcCall;
import dev.jflared.rpc.RpcMethodHandler;
import dev.jflared.rpc.schema.EmptyStruct;
import dev.jflared.rpc.schema.RegisterUdpSessionParams;
import dev.jflared.rpc.schema.RegisterUdpSessionResponse;
import dev.jflared.rpc.schema.RegisterUdpSessionResults;
import dev.jflared.rpc.schema.TunnelRpcIds;
import dev.jflared.rpc.schema.UnregisterUdpSessionParams;
import dev.jflared.rpc.schema.UpdateConfigurationParams;
import dev.jflared.rpc.schema.UpdateConfigurationResults;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the connector serves to the edge on the RPC streams the edge opens: the bootstrap capability
 * {@code CloudflaredServer} of {@code tunnelrpc.capnp}, which extends {@code SessionManager} and
 * {@code ConfigurationManager} (cloudflared {@code tunnelrpc/quic/cloudflared_server.go}).
 *
 * <pre>{@code
 * RpcConnection.server(rpcStream, CloudflaredRpcService.create(services, metrics));
 * }</pre>
 *
 * <h2>Methods</h2>
 * <ul>
 *   <li>{@code ConfigurationManager.updateConfiguration(version, config)}: handed to
 *       {@link ConnectionServices#updateConfiguration}, answered with its {@code latestAppliedVersion} and
 *       {@code err}.</li>
 *   <li>{@code SessionManager.registerUdpSession}: answered with {@link #UDP_SESSIONS_UNSUPPORTED} in {@code err},
 *       as jflared does not carry UDP sessions (private-network UDP) yet; the edge then fails that session only.</li>
 *   <li>{@code SessionManager.unregisterUdpSession}: answered with empty results, as no session can exist.</li>
 * </ul>
 * A Cap'n Proto call names the interface that declares the method, so these are registered under the
 * {@code SessionManager} and {@code ConfigurationManager} ids (golden {@code rpc1.edge2cfd}: the edge calls
 * {@code updateConfiguration} with the {@code ConfigurationManager} id). {@code CloudflaredServer} declares no
 * method of its own, so no call can name its id with a method ordinal; such a call is answered
 * {@code unimplemented} by the RPC engine.
 */
public final class CloudflaredRpcService {

    /** The {@code err} of every {@code registerUdpSession} answer. */
    public static final String UDP_SESSIONS_UNSUPPORTED =
            "UDP sessions (private network UDP routing) are not supported by jflared yet";

    private static final Logger logger = LoggerFactory.getLogger(CloudflaredRpcService.class);

    private CloudflaredRpcService() {}

    /**
     * The bootstrap capability for the RPC streams of one connection; immutable. Every call served is counted in
     * {@code metrics} ({@code cloudflared_rpc_server_*}) under cloudflared's handler and method labels.
     */
    public static CapabilityServer create(ConnectionServices services, ConnectionMetrics metrics) {
        requireNonNull(services, "services");
        requireNonNull(metrics, "metrics");
        return CapabilityServer.builder()
                .method(TunnelRpcIds.CONFIGURATION_MANAGER, TunnelRpcIds.UPDATE_CONFIGURATION,
                        observed(metrics, RpcMetrics.HANDLER_CONFIGURATION, RpcMetrics.METHOD_UPDATE_CONFIGURATION,
                                call -> updateConfiguration(services, call)))
                .method(TunnelRpcIds.SESSION_MANAGER, TunnelRpcIds.REGISTER_UDP_SESSION,
                        observed(metrics, RpcMetrics.HANDLER_SESSION, RpcMetrics.METHOD_REGISTER_UDP_SESSION,
                                CloudflaredRpcService::registerUdpSession))
                .method(TunnelRpcIds.SESSION_MANAGER, TunnelRpcIds.UNREGISTER_UDP_SESSION,
                        observed(metrics, RpcMetrics.HANDLER_SESSION, RpcMetrics.METHOD_UNREGISTER_UDP_SESSION,
                                CloudflaredRpcService::unregisterUdpSession))
                .build();
    }

    /**
     * Counts each call of {@code handler} as cloudflared's {@code ObserveServerHandler}: a failure only when serving
     * it threw or failed (a refused configuration or UDP session is an answer, not a failure).
     */
    private static RpcMethodHandler observed(ConnectionMetrics metrics, String handler, String method,
            RpcMethodHandler inner) {
        return call -> {
            RpcMetrics.Call observation = metrics.startRpcServerCall(handler, method);
            CompletionStage<Void> served;
            try {
                served = inner.handle(call);
            } catch (Exception | Error e) {
                observation.end(true);
                throw e;
            }
            return served.whenComplete((ignored, failure) -> observation.end(failure != null));
        };
    }

    private static CompletionStage<Void> updateConfiguration(ConnectionServices services, RpcCall call) {
        UpdateConfigurationParams params = UpdateConfigurationParams.read(call.params());
        logger.atDebug().addKeyValue("version", params.version()).log("the edge pushed a configuration");
        return services.updateConfiguration(params.version(), params.config())
                .thenAccept(response -> UpdateConfigurationResults.write(response, call.results()));
    }

    private static CompletionStage<Void> registerUdpSession(RpcCall call) {
        RegisterUdpSessionParams params = RegisterUdpSessionParams.read(call.params());
        logger.atDebug().addKeyValue("sessionID", params.sessionId()).log("refusing a UDP session: unsupported");
        RegisterUdpSessionResults.write(new RegisterUdpSessionResponse(UDP_SESSIONS_UNSUPPORTED, new byte[0]),
                call.results());
        return CompletableFuture.completedFuture(null);
    }

    private static CompletionStage<Void> unregisterUdpSession(RpcCall call) {
        UnregisterUdpSessionParams params = UnregisterUdpSessionParams.read(call.params());
        logger.atDebug().addKeyValue("sessionID", params.sessionId()).log("the edge unregistered an unknown session");
        EmptyStruct.write(call.results());
        return CompletableFuture.completedFuture(null);
    }
}
