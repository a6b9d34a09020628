package dev.jflared.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the metrics server's routes, as cloudflared's {@code metrics/metrics.go} does.
 *
 * <ul>
 *   <li>{@code /metrics}: the registry in the Prometheus text format;</li>
 *   <li>{@code /healthcheck}: {@code OK} and a newline;</li>
 *   <li>{@code /ready}: {@code {"status":200,"readyConnections":N,"connectorId":"<uuid>"}} with HTTP 200, or the
 *       same with 503 in both places when no connection serves; 404 without a {@link ReadinessSource};</li>
 *   <li>{@code /quicktunnel}: {@code {"hostname":"<name>"}}, an empty name for named tunnels;</li>
 *   <li>{@code /config}: the {@link ConfigSource}'s JSON, 500 {@code ERR: <message>} if it fails, 404 without one;</li>
 *   <li>anything else: 404 {@code 404 page not found}.</li>
 * </ul>
 *
 * <p>Routes answer any method, as Go's mux does. The JSON bodies go out as {@code text/plain; charset=utf-8}
 * without a trailing newline, because that is what cloudflared sends (Go sniffs the type of a body written
 * without one); readiness probes and scripts compare bodies, not types.
 *
 * <p>Stateless and {@link Sharable}. Runs on the event loop; every source it calls must answer at once.
 */
@Sharable
final class MetricsHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger logger = LoggerFactory.getLogger(MetricsHttpHandler.class);
    private static final String TEXT_PLAIN = "text/plain; charset=utf-8";

    private final MetricRegistry registry;
    private final ReadinessSource readiness;
    private final ConfigSource config;
    private final String quickTunnelHostname;

    MetricsHttpHandler(MetricRegistry registry, ReadinessSource readiness, ConfigSource config,
            String quickTunnelHostname) {
        this.registry = registry;
        this.readiness = readiness;
        this.config = config;
        this.quickTunnelHostname = quickTunnelHostname;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        FullHttpResponse response = switch (path) {
            case "/metrics" -> response(HttpResponseStatus.OK, PrometheusTextFormat.CONTENT_TYPE, registry.scrape());
            case "/healthcheck" -> response(HttpResponseStatus.OK, TEXT_PLAIN, "OK\n");
            case "/ready" -> readiness == null ? notFound() : ready();
            case "/quicktunnel" -> response(HttpResponseStatus.OK, TEXT_PLAIN,
                    "{\"hostname\":\"" + quickTunnelHostname + "\"}");
            case "/config" -> config == null ? notFound() : config();
            default -> notFound();
        };
        send(ctx, request, response);
    }

    private FullHttpResponse ready() {
        int connections = readiness.readyConnections();
        HttpResponseStatus status = connections > 0 ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE;
        String body = "{\"status\":" + status.code() + ",\"readyConnections\":" + connections
                + ",\"connectorId\":\"" + readiness.connectorId() + "\"}";
        return response(status, TEXT_PLAIN, body);
    }

    private FullHttpResponse config() {
        try {
            return response(HttpResponseStatus.OK, TEXT_PLAIN, config.versionedConfigJson());
        } catch (RuntimeException e) {
            logger.atError().setCause(e).log("Failed to serve config");
            return response(HttpResponseStatus.INTERNAL_SERVER_ERROR, TEXT_PLAIN, "ERR: " + e.getMessage());
        }
    }

    private static FullHttpResponse notFound() {
        FullHttpResponse response = response(HttpResponseStatus.NOT_FOUND, TEXT_PLAIN, "404 page not found\n");
        response.headers().set("X-Content-Type-Options", "nosniff");
        return response;
    }

    private static FullHttpResponse response(HttpResponseStatus status, String contentType, String body) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                status, content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpUtil.setContentLength(response, content.readableBytes());
        return response;
    }

    /** Writes the response (taking ownership of it) and closes the connection unless the client keeps it alive. */
    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        if (HttpMethod.HEAD.equals(request.method())) {
            response.content().clear();
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ReadTimeoutException) {
            logger.debug("Closing idle metrics connection {}", ctx.channel().remoteAddress());
        } else {
            logger.atDebug().setCause(cause).log("Metrics connection {} failed", ctx.channel().remoteAddress());
        }
        ctx.close();
    }
}
