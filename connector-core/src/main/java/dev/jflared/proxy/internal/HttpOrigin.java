package dev.jflared.proxy.internal;

import dev.jflared.ingress.IngressRule;
import dev.jflared.ingress.OriginRequestConfig;
import dev.jflared.ingress.OriginService;
import dev.jflared.proxy.OriginUnreachableException;
import dev.jflared.proxy.TunnelRequest;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP origins: {@code http://}, {@code https://} ({@code ws://}, {@code wss://}), {@code unix:} and
 * {@code unix+tls:} services, over HTTP/1.1 or, with {@code http2Origin}, HTTP/2. Builds the origin request
 * ({@link OriginHeaders}), leases a channel from the endpoint's pool on the request's loop and runs an
 * {@link HttpExchange} on it; websockets take an HTTP/1.1 connection and become a byte relay after the 101.
 *
 * <h2>Request bodies</h2>
 * A body is sent when the request has a {@code Content-Length} (as is) or {@code Transfer-Encoding: chunked}
 * (chunked, trailers included). With {@code disableChunkedEncoding} a body of unknown length goes as raw bytes on
 * a connection marked {@code Connection: close}. A request without a body still has its body source read to the
 * end (and dropped), so the transport sees its stream consumed.
 */
public final class HttpOrigin {

    private final OriginConnector connector;
    private final Map<String, String> tags;
    private final ConcurrentHashMap<PoolKey, OriginConnectionPool> pools = new ConcurrentHashMap<>();

    public HttpOrigin(OriginConnector connector, Map<String, String> tags) {
        this.connector = connector;
        this.tags = Map.copyOf(tags);
    }

    /** Serves {@code call} from its rule's HTTP or unix service. Event-loop only. */
    public void serve(ProxiedRequest call) {
        TunnelRequest request = call.request();
        IngressRule rule = call.rule();
        OriginRequestConfig config = rule.originRequest();
        boolean websocket = request.kind() == TunnelRequest.Kind.WEBSOCKET;
        OriginEndpoint endpoint = endpoint(rule.service(), config, request.host());
        if (websocket) {
            endpoint = endpoint.withHttp1();
        }
        boolean hasBody = !websocket && OriginHeaders.hasBody(request);
        boolean lengthKnown = request.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
        boolean chunked = hasBody && !lengthKnown && !config.disableChunkedEncoding();
        String host = config.httpHostHeader().orElse(request.host().isEmpty() ? authority(endpoint)
                : request.host());
        HttpHeaders headers = OriginHeaders.request(request, host, request.host(), tags, chunked);
        if (hasBody && !lengthKnown && !chunked) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        Target target = new Target(OriginHeaders.target(rule.service(), request.pathAndQuery()), headers, hasBody,
                websocket);
        if (!hasBody && !websocket) {
            BodyDrain.drain(request.body());
        }
        OriginConnectionPool pool = pools.computeIfAbsent(new PoolKey(endpoint, request.eventLoop()),
                key -> new OriginConnectionPool(key.endpoint(), key.loop(), connector));
        attempt(call, target, pool, false);
    }

    /** Closes every pool's idle connections, each on its own loop. */
    public void close() {
        pools.forEach((key, pool) -> key.loop().execute(pool::close));
        pools.clear();
    }

    private void attempt(ProxiedRequest call, Target target, OriginConnectionPool pool, boolean fresh) {
        pool.acquire(fresh).addListener(f -> {
            if (!f.isSuccess()) {
                call.fail(new OriginUnreachableException(f.cause()));
                return;
            }
            OriginConnectionPool.Lease lease = (OriginConnectionPool.Lease) f.getNow();
            Runnable retry = fresh ? null : () -> attempt(call, target, pool, true);
            new HttpExchange(call, target, pool, lease, retry).start();
        });
    }

    static OriginEndpoint endpoint(OriginService service, OriginRequestConfig config, String requestHost) {
        String sniFromHost = stripPort(requestHost);
        if (service instanceof OriginService.Unix unix) {
            String serverName = config.originServerName().orElse(sniFromHost.isEmpty() ? "localhost" : sniFromHost);
            return new OriginEndpoint("", 0, unix.path(), unix.tls(), serverName, config.http2Origin(), config);
        }
        URI url = ((OriginService.Http) service).url();
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("https") || scheme.equals("wss");
        int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
        String serverName = config.originServerName()
                .orElse(config.matchSniToHost() && !sniFromHost.isEmpty() ? sniFromHost : url.getHost());
        return new OriginEndpoint(url.getHost(), port, "", tls, serverName, config.http2Origin(), config);
    }

    private static String authority(OriginEndpoint endpoint) {
        if (endpoint.isUnix()) {
            return "localhost";
        }
        boolean defaultPort = endpoint.port() == (endpoint.tls() ? 443 : 80);
        return defaultPort ? endpoint.host() : endpoint.host() + ":" + endpoint.port();
    }

    private static String stripPort(String host) {
        int colon = host.lastIndexOf(':');
        if (colon < 0 || host.endsWith("]")) {
            return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        }
        return host.substring(0, colon);
    }

    /**
     * The request as the origin gets it.
     *
     * @param uri the request target: the service's path prefix and the request's path and query
     * @param headers the rewritten headers, Host included
     * @param hasBody whether a body follows the head
     * @param websocket whether this is a websocket upgrade
     */
    record Target(String uri, HttpHeaders headers, boolean hasBody, boolean websocket) {}

    private record PoolKey(OriginEndpoint endpoint, EventLoop loop) {}
}
