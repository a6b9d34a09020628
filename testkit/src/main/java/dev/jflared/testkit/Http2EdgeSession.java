package dev.jflared.testkit;

import dev.jflared.transport.Protocol;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connector's HTTP/2 connection, on which the edge is the HTTP/2 <em>client</em> (the connector dialled, then
 * serves): the last handler of the TCP channel, after TLS, the frame codec and the multiplexer, and the
 * {@link EdgeSession} the edge routes requests and configuration pushes through.
 *
 * <h2>Streams</h2>
 * Once active it opens the control stream ({@code GET /} with {@code cf-cloudflared-proxy-connection-upgrade:
 * control-stream}, golden http2 stream1.txt); when the connector answers, the request and response bodies carry
 * the registration RPC, served by {@link RegistrationService}. Request streams ({@link Http2RequestStreamHandler})
 * and configuration pushes ({@link Http2ConfigPush}) are further streams opened by us. The connector opens none.
 *
 * <h2>Closing</h2>
 * {@link #drop()} closes the TCP connection without GOAWAY, as a lost connection.
 */
final class Http2EdgeSession extends ChannelInboundHandlerAdapter implements EdgeSession {

    private static final Logger logger = LoggerFactory.getLogger(Http2EdgeSession.class);

    private final EdgeState state;
    private final InetSocketAddress edgeAddress;
    private volatile Channel channel;
    /** The control stream once the connector answered it. */
    private volatile Channel controlStream;
    private volatile InetSocketAddress remoteAddress;
    private String closeReason = "connection closed by connector";

    Http2EdgeSession(EdgeState state, InetSocketAddress edgeAddress) {
        this.state = state;
        this.edgeAddress = edgeAddress;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        remoteAddress = (InetSocketAddress) channel.remoteAddress();
        // Added once TLS is up (Http2EdgeListener), so the channel is already active.
        start(ctx);
    }

    private void start(ChannelHandlerContext ctx) {
        state.accepted(this, edgeAddress);
        ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(Http2Edge.CONNECTION_WINDOW_INCREMENT));
        Http2Headers headers = new DefaultHttp2Headers().method("GET").path("/").scheme("https")
                .authority(Http2Edge.CONTROL_AUTHORITY)
                .add(Http2Edge.UPGRADE, Http2Edge.UPGRADE_CONTROL_STREAM);
        new Http2StreamChannelBootstrap(ctx.channel()).handler(new ControlStreamHead()).open().addListener(f -> {
            if (!f.isSuccess()) {
                logger.debug("{} cannot open the control stream", ctx.channel(), f.cause());
                ctx.close();
                return;
            }
            ((Http2StreamChannel) f.getNow()).writeAndFlush(new DefaultHttp2HeadersFrame(headers, false));
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // Connection-level frames (SETTINGS, PING, GOAWAY) the codec has handled; nothing is left to do with them.
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state.closed(this, closeReason);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("{} HTTP/2 connection failed", ctx.channel(), cause);
        closeReason = String.valueOf(cause.getMessage());
        ctx.close();
    }

    /** Waits for the connector's answer on the control stream, then hands the stream to the RPC. */
    private final class ControlStreamHead extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof Http2HeadersFrame head)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            CharSequence status = head.headers().status();
            if (status == null || !"200".contentEquals(status)) {
                logger.debug("{} control stream answered {}", ctx.channel(), status);
                closeReason = "the connector answered the control stream with status " + status;
                ctx.channel().parent().close();
                return;
            }
            ctx.pipeline().replace(this, "bytes", new Http2StreamBytesCodec());
            controlStream = ctx.channel();
            RegistrationService.serve(ctx.channel(), state, Http2EdgeSession.this);
        }
    }

    @Override
    public void stallControlStream() {
        Channel stream = controlStream;
        if (stream != null) {
            stream.eventLoop().execute(() -> stream.config().setAutoRead(false));
        }
    }

    @Override
    public Protocol protocol() {
        return Protocol.HTTP2;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public Future<RequestStream> openRequestStream(EyeballExchange exchange) {
        Promise<RequestStream> promise = channel.eventLoop().newPromise();
        Http2RequestStreamHandler handler = new Http2RequestStreamHandler(exchange);
        new Http2StreamChannelBootstrap(channel).handler(handler).open().addListener(f -> {
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
        return Http2ConfigPush.push(channel, connIndex, version, json);
    }

    @Override
    public void drop() {
        channel.eventLoop().execute(() -> {
            closeReason = "dropped by LocalEdge";
            channel.close();
        });
    }

    @Override
    public String toString() {
        return "Http2EdgeSession(" + HostPort.format(remoteAddress) + ")";
    }
}
