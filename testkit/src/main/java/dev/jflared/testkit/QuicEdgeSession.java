package dev.jflared.testkit;

import dev.jflared.transport.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
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
 *
 * <h2>Keep-alive</h2>
 * None: the real edge is not known to send anything on a quiet connection, so neither does LocalEdge. The connector
 * keeps the connection alive past its idle timeout itself: cloudflared with QUIC PINGs, jflared with pings on the
 * control stream, which {@link LocalEdge#controlStreamBootstraps()} counts.
 */
final class QuicEdgeSession extends ChannelInboundHandlerAdapter implements EdgeSession {

    private static final Logger logger = LoggerFactory.getLogger(QuicEdgeSession.class);
    /** Application error code for {@link #drop()}; any non-zero code reads as a lost connection. */
    private static final int DROP_ERROR_CODE = 0x1;

    private final EdgeState state;
    private final InetSocketAddress edgeAddress;
    private volatile QuicChannel quic;
    private volatile InetSocketAddress remoteAddress;
    /** Event-loop confined. */
    private QuicStreamChannel controlStream;
    private String closeReason = "connection closed by connector";

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
    public void channelInactive(ChannelHandlerContext ctx) {
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
        RegistrationService.serve(stream, state, this);
    }

    @Override
    public void stallControlStream() {
        quic.eventLoop().execute(() -> {
            if (controlStream != null) {
                controlStream.config().setAutoRead(false);
            }
        });
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
