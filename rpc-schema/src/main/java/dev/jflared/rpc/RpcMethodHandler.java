package dev.jflared.rpc;

import java.util.concurrent.CompletionStage;

/**
 * Serves one method of a {@link CapabilityServer}.
 *
 * <p>Called on the connection's event loop: read {@link RpcCall#params()}, fill {@link RpcCall#results()}, and
 * complete the returned stage. Work that blocks belongs on another executor; fill the results there and complete the
 * stage when done (the results must not be touched after that). A stage completed exceptionally, or an exception
 * thrown here, becomes an {@code exception} Return: an {@link RpcException} keeps its type and reason, anything else
 * is sent as type {@code failed} with its message.
 */
@FunctionalInterface
public interface RpcMethodHandler {

    CompletionStage<Void> handle(RpcCall call) throws Exception;
}
