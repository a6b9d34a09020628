package dev.jflared.testkit;

import dev.jflared.rpc.RpcConnection;
import dev.jflared.rpc.schema.QuicStreamSignatures;
import dev.jflared.rpc.schema.TunnelRpcIds;
import dev.jflared.rpc.schema.UpdateConfigurationParams;
import dev.jflared.rpc.schema.UpdateConfigurationResponse;
import dev.jflared.rpc.schema.UpdateConfigurationResults;
import dev.jflared.transport.Protocol;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Pushes a configuration over QUIC as the edge does (golden {@code rpc1.edge2cfd}): a new bidirectional stream, the
 * RPC signature {@code 52 BB 82 5C DB 65}, then Cap'n Proto RPC with us as the client: bootstrap, then
 * {@code ConfigurationManager.updateConfiguration(version, config)} pipelined on it, then release and
 * {@code abort("rpc: shutdown")}.
 */
final class QuicConfigPush {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private QuicConfigPush() {}

    static CompletableFuture<ConfigPushResult> push(QuicChannel quic, int connIndex, int version, String json) {
        CompletableFuture<ConfigPushResult> result = new CompletableFuture<>();
        quic.newStreamBootstrap()
                .type(QuicStreamType.BIDIRECTIONAL)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new ChannelInboundHandlerAdapter())
                .create()
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        result.complete(failed(connIndex, "cannot open an RPC stream: " + f.cause()));
                        return;
                    }
                    QuicStreamChannel stream = (QuicStreamChannel) f.getNow();
                    stream.writeAndFlush(Unpooled.wrappedBuffer(QuicStreamSignatures.rpcStreamSignature()));
                    call(RpcConnection.client(stream), connIndex, version, json, result);
                });
        return result;
    }

    private static void call(RpcConnection rpc, int connIndex, int version, String json,
            CompletableFuture<ConfigPushResult> result) {
        rpc.bootstrap()
                .call(TunnelRpcIds.CONFIGURATION_MANAGER, TunnelRpcIds.UPDATE_CONFIGURATION,
                        params -> new UpdateConfigurationParams(version, json).write(params), TIMEOUT)
                .whenComplete((content, error) -> {
                    ConfigPushResult outcome;
                    if (error != null) {
                        outcome = failed(connIndex, String.valueOf(error.getMessage()));
                    } else {
                        UpdateConfigurationResponse response = UpdateConfigurationResults.read(content);
                        outcome = new ConfigPushResult(connIndex, Protocol.QUIC, response.latestAppliedVersion(),
                                response.err());
                    }
                    rpc.shutdown();
                    result.complete(outcome);
                });
    }

    private static ConfigPushResult failed(int connIndex, String why) {
        return new ConfigPushResult(connIndex, Protocol.QUIC, -1, why);
    }
}
