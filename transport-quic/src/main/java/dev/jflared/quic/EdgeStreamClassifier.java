package dev.jflared.quic;

import dev.jflared.proxy.OriginProxy;
import dev.jflared.rpc.CapabilityServer;
import dev.jflared.rpc.RpcConnection;
import dev.jflared.rpc.schema.QuicStreamSignatures;
import dev.jflared.rpc.schema.QuicStreamSignatures.StreamKind;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every stream the edge opens: it waits for the stream's first bytes, tells a data stream from
 * an RPC stream by its signature ({@link QuicStreamSignatures}), skips the preamble and hands the stream over, then
 * leaves the pipeline; the bytes after the preamble go on to the handlers it installed.
 *
 * <ul>
 *   <li>Data stream: {@link DataStreamHandler}.</li>
 *   <li>RPC stream: an {@link RpcConnection} serving the connector's capability
 *       ({@link dev.jflared.transport.CloudflaredRpcService}); the signature is not echoed.</li>
 *   <li>Anything else: a stream error. cloudflared closes such a stream; we reset it and log a WARN with its id.
 *       The connection goes on.</li>
 * </ul>
 */
final class EdgeStreamClassifier extends ByteToMessageDecoder {

    static final String NAME = "stream-classifier";

    private static final Logger logger = LoggerFactory.getLogger(EdgeStreamClassifier.class);

    private final OriginProxy proxy;
    private final CapabilityServer rpcService;
    private final int connIndex;
    private final Consumer<Channel> dataStreamStarted;
    private boolean classified;

    /**
     * @param dataStreamStarted told of each data stream once it is recognised, on the stream's loop
     */
    EdgeStreamClassifier(OriginProxy proxy, CapabilityServer rpcService, int connIndex,
            Consumer<Channel> dataStreamStarted) {
        this.proxy = proxy;
        this.rpcService = rpcService;
        this.connIndex = connIndex;
        this.dataStreamStarted = dataStreamStarted;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (classified) {
            return;
        }
        StreamKind kind = QuicStreamSignatures.classify(in);
        Channel stream = ctx.channel();
        switch (kind) {
            case NEEDS_MORE_BYTES -> { }
            case DATA -> {
                classified = true;
                in.skipBytes(kind.preambleLength());
                dataStreamStarted.accept(stream);
                DataStreamHandler.install(stream, proxy, connIndex);
                ctx.pipeline().remove(this);
            }
            case RPC -> {
                classified = true;
                in.skipBytes(kind.preambleLength());
                logger.atDebug().addKeyValue("connIndex", connIndex)
                        .addKeyValue("streamID", QuicStreams.streamId(stream)).log("RPC stream opened by the edge");
                RpcConnection.server(stream, rpcService);
                ctx.pipeline().remove(this);
            }
            case UNKNOWN -> {
                classified = true;
                logger.atWarn().addKeyValue("connIndex", connIndex)
                        .addKeyValue("streamID", QuicStreams.streamId(stream))
                        .addKeyValue("signature", hex(in)).log("resetting a stream with an unknown signature");
                in.skipBytes(in.readableBytes());
                QuicStreams.reset(stream);
            }
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (!classified) {
            classified = true;
            logger.atDebug().addKeyValue("connIndex", connIndex)
                    .addKeyValue("streamID", QuicStreams.streamId(ctx.channel()))
                    .log("resetting a stream that ended within its signature");
            in.skipBytes(in.readableBytes());
            QuicStreams.reset(ctx.channel());
        }
    }

    private static String hex(ByteBuf in) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(in.readableBytes(), QuicStreamSignatures.SIGNATURE_LENGTH); i++) {
            text.append(String.format("%02X", in.getUnsignedByte(in.readerIndex() + i)));
        }
        return text.toString();
    }
}
