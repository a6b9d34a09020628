package dev.jflared.http2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of the edge connection, after the multiplexer: it tells the {@link Http2EdgeConnection} about
 * the edge's GOAWAY, drops the connection-level frames nobody else needs (SETTINGS, PING, ...) and closes the
 * connection on an error no earlier handler took (a TLS or HTTP/2 connection error), which the supervisor then
 * sees through the connection's close future. One per connection.
 */
final class EdgeConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(EdgeConnectionHandler.class);

    private final Http2EdgeConnection connection;

    EdgeConnectionHandler(Http2EdgeConnection connection) {
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2GoAwayFrame goAway) {
                connection.onGoAway(goAway.errorCode());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("{} edge connection error, closing: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
