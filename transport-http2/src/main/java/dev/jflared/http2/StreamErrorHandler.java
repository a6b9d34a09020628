package dev.jflared.http2;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a proxied stream: an error that no earlier handler took (a reset after the body ended, a
 * write on a stream the edge already closed) only concerns that stream, which is closing anyway, so it is logged at
 * DEBUG instead of reaching the pipeline's tail as a warning. Stateless and shared.
 */
@ChannelHandler.Sharable
final class StreamErrorHandler extends ChannelInboundHandlerAdapter {

    static final StreamErrorHandler INSTANCE = new StreamErrorHandler();

    private static final Logger logger = LoggerFactory.getLogger(StreamErrorHandler.class);

    private StreamErrorHandler() {}

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("{} stream error after the request ended: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
