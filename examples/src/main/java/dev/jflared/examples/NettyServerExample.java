package dev.jflared.examples;

import dev.jflared.embed.NettyHandlerOrigin;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * A Netty HTTP app exposed through a tunnel in-process: the pipeline you would install after
 * {@code HttpServerCodec}, with no server socket.
 *
 * <pre>
 * java -cp ... dev.jflared.examples.NettyServerExample [credentials.json]
 * </pre>
 */
public final class NettyServerExample {

    private NettyServerExample() {}

    public static void main(String[] args) throws Exception {
        ChannelInitializer<Channel> app = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpObjectAggregator(1 << 20), new Hello());
            }
        };
        try (NettyHandlerOrigin origin = NettyHandlerOrigin.of(app)) {
            ExampleTunnels.serveUntilStopped(args, origin);
        }
    }

    private static final class Hello extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            byte[] body = ("hello from a Netty pipeline, you asked for " + request.uri() + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
