package dev.jflared.http2;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jflared.rpc.schema.UpdateConfigurationResponse;
import dev.jflared.transport.ConnectionServices;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an {@code update-configuration} stream: the edge {@code PUT}s {@code {"version":N,"config":{...}}}; we hand
 * it to {@link ConnectionServices#updateConfiguration} and answer {@code 200} with
 * {@code {"lastAppliedVersion":N,"err":null}} (cloudflared {@code connection/http2.go handleConfigurationUpdate},
 * golden stream9).
 *
 * <h2>Errors</h2>
 * A refused configuration is answered {@code 200} with the reason as a string in {@code err}. cloudflared marshals
 * a Go {@code error} there, which always comes out as {@code {}} so the edge never sees why; sending the text is
 * what the field was meant for and decodes as well on the edge. A body that is not that JSON (or is larger than
 * {@link Http2Wire#MAX_CONFIGURATION_BODY}) is answered {@code 502} with {@code src=cloudflared}, as cloudflared's
 * {@code WriteErrorResponse}.
 *
 * <h2>Ownership</h2>
 * Body chunks (after {@link StreamBytesDecoder}) are gathered in one composite buffer, released once parsed or when
 * the stream closes first. One per stream channel.
 */
final class ConfigurationUpdateHandler extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(ConfigurationUpdateHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConnectionServices services;
    private CompositeByteBuf body;
    private boolean done;

    ConfigurationUpdateHandler(ConnectionServices services) {
        this.services = services;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        body = ctx.alloc().compositeBuffer();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf chunk) || done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (body.readableBytes() + chunk.readableBytes() > Http2Wire.MAX_CONFIGURATION_BODY) {
            chunk.release();
            finishWithError(ctx.channel(), new IOException("configuration body larger than "
                    + Http2Wire.MAX_CONFIGURATION_BODY + " bytes"));
            return;
        }
        body.addComponent(true, chunk);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && !done) {
            done = true;
            apply(ctx.channel());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseBody();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        done = true;
        releaseBody();
        ctx.fireChannelInactive();
    }

    private void apply(Channel channel) {
        int version;
        String config;
        try {
            JsonNode update = JSON.readTree(body.toString(UTF_8));
            JsonNode versionNode = update == null ? null : update.get("version");
            if (versionNode == null || !versionNode.canConvertToInt() || !update.has("config")) {
                throw new IOException("configuration update is not {\"version\":N,\"config\":{...}}");
            }
            version = versionNode.intValue();
            config = JSON.writeValueAsString(update.get("config"));
        } catch (IOException e) {
            finishWithError(channel, e);
            return;
        } finally {
            releaseBody();
        }
        services.updateConfiguration(version, config).whenComplete((response, failure) ->
                channel.eventLoop().execute(() -> {
                    if (failure != null) {
                        finishWithError(channel, failure);
                    } else {
                        answer(channel, response);
                    }
                }));
    }

    private static void answer(Channel channel, UpdateConfigurationResponse response) {
        ObjectNode json = JSON.createObjectNode().put("lastAppliedVersion", response.latestAppliedVersion());
        if (response.err().isEmpty()) {
            json.putNull("err");
        } else {
            json.put("err", response.err());
        }
        byte[] bytes = json.toString().getBytes(UTF_8);
        Http2Headers headers = new DefaultHttp2Headers().status("200")
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        channel.write(new DefaultHttp2HeadersFrame(headers, false), channel.voidPromise());
        ByteBuf content = channel.alloc().buffer(bytes.length).writeBytes(bytes);
        channel.writeAndFlush(new DefaultHttp2DataFrame(content, true), channel.voidPromise());
    }

    private void finishWithError(Channel channel, Throwable cause) {
        done = true;
        releaseBody();
        logger.warn("Failed to apply the configuration pushed by the edge: {}", cause.toString());
        Http2HeadersFrame headers = new DefaultHttp2HeadersFrame(EdgeResponseHeaders.badGateway(), true);
        channel.writeAndFlush(headers, channel.voidPromise());
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }
}
