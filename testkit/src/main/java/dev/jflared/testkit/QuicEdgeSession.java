package dev.jflared.testkit;

import dev.jflared.rpc.RpcConnection;
import dev.jflared.transport.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicDatagramExtensionEvent;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connector's QUIC connection: the handler on its {@link QuicChannel}, and the {@link EdgeSession} the edge
 * routes requests and configuration pushes through.
 *
 * <h2>Streams</h2>
 * The first stream the connector opens is its control stream (no preamble; NOTES.md "QUIC data and RPC streams"),
 * served by {@link RegistrationService}; a further connector-opened stream is closed. Request streams
 * ({@link QuicRequestStreamHandler}) and configuration pushes ({@link QuicConfigPush}) are opened by us.
 *
 * <h2>Datagrams</h2>
 * Received datagrams are released: the edge side of private networking is not part of LocalEdge.
 */
final class QuicEdgeSession extends ChannelInboundHandlerAdapter implements EdgeSession {

    private static final Logger logger = LoggerFactory.getLogger(QuicEdgeSession.class);
    /** Application error code for {@link #drop()}; any non-zero code reads as a lost connection. */
    private static final int DROP_ERROR_CODE = 0x1;
    /**
     * How often the edge sends a datagram to keep a quiet connection alive. Netty's QUIC codec cannot send PING
     * frames, and neither can the jflared connector, so without this a connection with no streams would end at the
     * connector's 5 s idle timeout (cloudflared pings every second for the same reason). A datagram is
     * ack-eliciting, so it restarts the idle timers of both ends.
     */
    private static final long KEEP_ALIVE_MILLIS = 1000;
    /**
     * The keep-alive datagram: a datagram-v2 UDP payload (16-byte session id, then type 0) for a session that does
     * not exist, which a connector drops.
     */
    private static final byte[] KEEP_ALIVE = new byte[17];

    private final EdgeState state;
    private final InetSocketAddress edgeAddress;
    private volatile QuicChannel quic;
    private volatile InetSocketAddress remoteAddress;
    /** Event-loop confined. */
    private QuicStreamChannel controlStream;
    private String closeReason = "connection closed by connector";
    /** Event-loop confined; null until the peer accepted datagrams. */
    private ScheduledFuture<?> keepAlive;

    QuicEdgeSession(EdgeState state, InetSocketAddress edgeAddress) {
        this.state = state;
        this.edgeAddress = edgeAddress;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        quic = (QuicChannel) ctx.channel();
        remoteAddress = (InetSocketAddress) quic.remoteSocketAddress();
        state.accepted(this, quic.parent() != null ? (InetSocketAddress) quic.parent().localAddress() : edgeAddress);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf datagram) {
            datagram.release();
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof QuicDatagramExtensionEvent && keepAlive == null) {
            keepAlive = ctx.executor().scheduleAtFixedRate(() -> sendKeepAlive(ctx), KEEP_ALIVE_MILLIS,
                    KEEP_ALIVE_MILLIS, TimeUnit.MILLISECONDS);
        }
        ctx.fireUserEventTriggered(evt);
    }

    private static void sendKeepAlive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(KEEP_ALIVE)).addListener(sent -> {
            if (!sent.isSuccess()) {
                logger.debug("{} keep-alive datagram not sent", ctx.channel(), sent.cause());
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (keepAlive != null) {
            keepAlive.cancel(false);
        }
        if (quic.isTimedOut()) {
            closeReason = "idle timeout";
        }
        state.closed(this, closeReason);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("{} QUIC connection failed", ctx.channel(), cause);
        closeReason = String.valueOf(cause.getMessage());
        ctx.close();
    }

    /** A stream the connector opened. Event loop only. */
    void onConnectorStream(QuicStreamChannel stream) {
        assert stream.eventLoop().inEventLoop();
        if (controlStream != null) {
            logger.debug("{} closing a second connector-opened stream {}", quic, stream.streamId());
            stream.close();
            return;
        }
        controlStream = stream;
        RpcConnection.server(stream, RegistrationService.forSession(state, this));
    }

    @Override
    public Protocol protocol() {
        return Protocol.QUIC;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public Future<RequestStream> openRequestStream(EyeballExchange exchange) {
        Promise<RequestStream> promise = quic.eventLoop().newPromise();
        QuicRequestStreamHandler handler = new QuicRequestStreamHandler(exchange);
        quic.newStreamBootstrap()
                .type(QuicStreamType.BIDIRECTIONAL)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(handler)
                .create()
                .addListener(f -> {
                    if (f.isSuccess()) {
                        promise.setSuccess(handler);
                    } else {
                        promise.setFailure(f.cause());
                    }
                });
        return promise;
    }

    @Override
    public CompletableFuture<ConfigPushResult> pushConfig(int connIndex, int version, String json) {
        return QuicConfigPush.push(quic, connIndex, version, json);
    }

    @Override
    public void drop() {
        quic.eventLoop().execute(() -> {
            closeReason = "dropped by LocalEdge";
            quic.close(true, DROP_ERROR_CODE,
                    Unpooled.copiedBuffer("dropped by LocalEdge", StandardCharsets.US_ASCII));
        });
    }

    @Override
    public String toString() {
        return "QuicEdgeSession(" + HostPort.format(remoteAddress) + ")";
    }
}
