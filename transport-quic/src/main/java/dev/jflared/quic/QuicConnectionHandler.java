package dev.jflared.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QUIC connection's own handler for one {@link QuicEdgeConnection}: it remembers why the connection closed
 * (the peer's {@code CONNECTION_CLOSE}, or a pipeline error) so that the connection can report it, and releases
 * QUIC datagrams, which jflared does not handle yet. New stream channels, which also arrive in
 * {@code channelRead}, are passed on, or no stream would ever be accepted (shared/protocol/NETTY.md).
 */
final class QuicConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(QuicConnectionHandler.class);

    /** Why the connection closed, as far as the pipeline told us; null until then. Event-loop confined. */
    private String closeReason;
    private Throwable failure;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf datagram) {
            logger.atDebug().addKeyValue("bytes", datagram.readableBytes())
                    .log("dropping a datagram: datagrams are not supported yet");
            datagram.release();
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof QuicConnectionCloseEvent close) {
            String reason = new String(close.reason(), StandardCharsets.UTF_8);
            closeReason = (close.isApplicationClose() ? "Application error 0x" : "transport error 0x")
                    + Integer.toHexString(close.error()) + " (remote)" + (reason.isEmpty() ? "" : ": " + reason);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.atDebug().setCause(cause).addKeyValue("channel", ctx.channel()).log("QUIC connection failed");
        if (failure == null) {
            failure = cause;
        }
        ctx.close();
    }

    /** The edge's close frame, described as quic-go words it; null when none came. Event loop only. */
    String closeReason() {
        return closeReason;
    }

    /** The error that closed the connection from the pipeline; null when none. Event loop only. */
    Throwable failure() {
        return failure;
    }
}
