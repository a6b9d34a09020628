package dev.jflared.testkit;

import dev.jflared.rpc.CapabilityServer;
import dev.jflared.rpc.RpcException;
import dev.jflared.rpc.schema.EmptyStruct;
import dev.jflared.rpc.schema.RegisterConnectionParams;
import dev.jflared.rpc.schema.RegisterConnectionResults;
import dev.jflared.rpc.schema.TunnelRpcIds;
import dev.jflared.rpc.schema.UpdateLocalConfigurationParams;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The edge's side of a connector's control stream: {@code RegistrationServer} ({@code tunnelrpc.capnp},
 * shared/protocol/NOTES.md "Registration"), transport-neutral. A session serves it with
 * {@code RpcConnection.server(controlStream, RegistrationService.forSession(state, session))}.
 */
final class RegistrationService {

    private RegistrationService() {}

    static CapabilityServer forSession(EdgeState state, EdgeSession session) {
        return CapabilityServer.builder()
                .method(TunnelRpcIds.REGISTRATION_SERVER, TunnelRpcIds.REGISTER_CONNECTION, call -> {
                    RegisterConnectionParams params = RegisterConnectionParams.read(call.params());
                    RegisterConnectionResults.write(state.register(session, params), call.results());
                    return CompletableFuture.completedFuture(null);
                })
                .method(TunnelRpcIds.REGISTRATION_SERVER, TunnelRpcIds.UNREGISTER_CONNECTION, call -> {
                    state.unregistered(session);
                    EmptyStruct.write(call.results());
                    return CompletableFuture.completedFuture(null);
                })
                .method(TunnelRpcIds.REGISTRATION_SERVER, TunnelRpcIds.UPDATE_LOCAL_CONFIGURATION, call -> {
                    state.localConfiguration(session, UpdateLocalConfigurationParams.read(call.params()).config());
                    Optional<String> refusal = state.localConfigurationError();
                    if (refusal.isPresent()) {
                        return CompletableFuture.failedFuture(new RpcException(RpcException.Type.FAILED,
                                refusal.get()));
                    }
                    EmptyStruct.write(call.results());
                    return CompletableFuture.completedFuture(null);
                })
                .build();
    }
}
