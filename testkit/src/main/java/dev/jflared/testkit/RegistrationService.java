package dev.jflared.testkit;

import dev.jflared.rpc.CapabilityServer;
import dev.jflared.rpc.RpcConnection;
import dev.jflared.rpc.RpcException;
import dev.jflared.rpc.framing.CapnpMessage;
import dev.jflared.rpc.message.Message;
import dev.jflared.rpc.schema.EmptyStruct;
import dev.jflared.rpc.schema.RegisterConnectionParams;
import dev.jflared.rpc.schema.RegisterConnectionResults;
import dev.jflared.rpc.schema.TunnelRpcIds;
import dev.jflared.rpc.schema.UpdateLocalConfigurationParams;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The edge's side of a connector's control stream: {@code RegistrationServer} ({@code tunnelrpc.capnp},
 * shared/protocol/NOTES.md "Registration"), transport-neutral. A session serves it with
 * {@link #serve(Channel, EdgeState, EdgeSession)}, which also counts the stream's {@code Bootstrap} messages (a
 * jflared connector's keep-alive pings are bootstraps).
 */
final class RegistrationService {

    private RegistrationService() {}

    /** Serves the control stream {@code stream} of {@code session}; call before its first byte is read. */
    static RpcConnection serve(Channel stream, EdgeState state, EdgeSession session) {
        RpcConnection rpc = RpcConnection.server(stream, forSession(state, session));
        stream.pipeline().addAfter(RpcConnection.DECODER_NAME, "bootstrap-counter", new BootstrapCounter(state));
        return rpc;
    }

    private static CapabilityServer forSession(EdgeState state, EdgeSession session) {
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

    /** Reports each {@code Bootstrap} the connector sends to {@link EdgeState#bootstrapped()}. */
    private static final class BootstrapCounter extends ChannelInboundHandlerAdapter {
        private final EdgeState state;

        BootstrapCounter(EdgeState state) {
            this.state = state;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (((CapnpMessage) msg).getRoot(Message.factory).which() == Message.Which.BOOTSTRAP) {
                state.bootstrapped();
            }
            ctx.fireChannelRead(msg);
        }
    }
}
