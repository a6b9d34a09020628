package dev.jflared.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection handler used when no other is given: it releases received QUIC datagrams (nothing handles them
 * yet) and passes everything else on. New stream channels also arrive in the connection's {@code channelRead};
 * they must travel on, or no stream is ever accepted.
 */
@ChannelHandler.Sharable
final class DatagramDiscarder extends ChannelInboundHandlerAdapter {

    static final DatagramDiscarder INSTANCE = new DatagramDiscarder();

    private static final Logger logger = LoggerFactory.getLogger(DatagramDiscarder.class);

    private DatagramDiscarder() {}

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf) {
            ByteBuf datagram = (ByteBuf) msg;
            logger.debug("{} dropping a {}-byte datagram: no datagram handler", ctx.channel(),
                    datagram.readableBytes());
            datagram.release();
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
