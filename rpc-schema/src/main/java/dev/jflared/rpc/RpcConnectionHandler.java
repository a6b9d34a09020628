package dev.jflared.rpc;

import dev.jflared.rpc.framing.CapnpMessage;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * The last handler of an RPC stream: hands each decoded message, the end of the stream and any pipeline error to
 * its {@link RpcConnection}. Stateful per channel; never shared.
 */
final class RpcConnectionHandler extends SimpleChannelInboundHandler<CapnpMessage> {

    private final RpcConnection connection;

    RpcConnectionHandler(RpcConnection connection) {
        this.connection = connection;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, CapnpMessage msg) {
        connection.onMessage(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.onClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        // With half-closure allowed (QUIC streams) the peer's FIN arrives as an event, not as channelInactive;
        // no more messages can come, so the connection is over either way.
        if (evt instanceof ChannelInputShutdownEvent) {
            connection.onClosed();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connection.onPipelineError(cause);
    }
}
