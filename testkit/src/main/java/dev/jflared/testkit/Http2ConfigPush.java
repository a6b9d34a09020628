package dev.jflared.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jflared.transport.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Pushes a configuration over HTTP/2 as the edge does (golden http2 stream9.txt): a new stream, {@code PUT} with
 * {@code cf-cloudflared-proxy-connection-upgrade: update-configuration}, body {@code {"version":N,"config":{...}}};
 * the connector answers {@code {"lastAppliedVersion":N,"err":null}}, or the reason in {@code err} (a string from
 * jflared; cloudflared marshals Go's error as {@code {}}, which is reported as such).
 */
final class Http2ConfigPush {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** An answer is a few dozen bytes; refuse to buffer more than this. */
    private static final int MAX_ANSWER_BYTES = 1 << 20;

    private Http2ConfigPush() {}

    static CompletableFuture<ConfigPushResult> push(Channel connection, int connIndex, int version, String json) {
        CompletableFuture<ConfigPushResult> result = new CompletableFuture<>();
        ByteBuf body;
        try {
            ObjectNode request = EdgeEvent.mapper().createObjectNode().put("version", version);
            request.set("config", EdgeEvent.mapper().readTree(json));
            body = Unpooled.copiedBuffer(EdgeEvent.mapper().writeValueAsBytes(request));
        } catch (IOException e) {
            result.complete(failed(connIndex, "the configuration is not JSON: " + e.getMessage()));
            return result;
        }
        new Http2StreamChannelBootstrap(connection).handler(new Answer(connIndex, result)).open().addListener(f -> {
            if (!f.isSuccess()) {
                body.release();
                result.complete(failed(connIndex, "cannot open a stream: " + f.cause()));
                return;
            }
            Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
            stream.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("PUT").scheme("https")
                    .authority(Http2Edge.CONTROL_AUTHORITY).path("/")
                    .add(Http2Edge.UPGRADE, Http2Edge.UPGRADE_CONFIGURATION), false));
            stream.writeAndFlush(new DefaultHttp2DataFrame(body, true));
            ScheduledFuture<?> timeout = stream.eventLoop().schedule(() -> {
                if (result.complete(failed(connIndex, "no answer within " + TIMEOUT))) {
                    stream.close();
                }
            }, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            result.whenComplete((r, e) -> timeout.cancel(false));
        });
        return result;
    }

    private static ConfigPushResult failed(int connIndex, String why) {
        return new ConfigPushResult(connIndex, Protocol.HTTP2, -1, why);
    }

    /** Collects the connector's answer on the push's stream. */
    private static final class Answer extends ChannelInboundHandlerAdapter {

        private final int connIndex;
        private final CompletableFuture<ConfigPushResult> result;
        private final StringBuilder body = new StringBuilder();
        private String status;

        Answer(int connIndex, CompletableFuture<ConfigPushResult> result) {
            this.connIndex = connIndex;
            this.result = result;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                boolean end = false;
                if (msg instanceof Http2HeadersFrame head) {
                    if (status == null) {
                        status = String.valueOf(head.headers().status());
                    }
                    end = head.isEndStream();
                } else if (msg instanceof Http2DataFrame data) {
                    body.append(data.content().toString(StandardCharsets.UTF_8));
                    end = data.isEndStream();
                    if (body.length() > MAX_ANSWER_BYTES) {
                        result.complete(failed(connIndex, "the answer exceeds " + MAX_ANSWER_BYTES + " bytes"));
                        ctx.close();
                        return;
                    }
                }
                if (end) {
                    result.complete(parse());
                    ctx.close();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private ConfigPushResult parse() {
            if (!"200".equals(status)) {
                return failed(connIndex, "the connector answered " + status + ": " + body);
            }
            try {
                JsonNode answer = EdgeEvent.mapper().readTree(body.toString());
                JsonNode err = answer.path("err");
                String errText = err.isNull() || err.isMissingNode() ? "" : err.isTextual() ? err.asText()
                        : err.toString();
                return new ConfigPushResult(connIndex, Protocol.HTTP2,
                        answer.path("lastAppliedVersion").asInt(-1), errText);
            } catch (IOException e) {
                return failed(connIndex, "the answer is not JSON: " + body);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame reset) {
                result.complete(failed(connIndex, "the connector reset the stream (error code "
                        + reset.errorCode() + ")"));
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.complete(failed(connIndex, "the stream closed before the answer"));
            ctx.fireChannelInactive();
        }
    }
}
