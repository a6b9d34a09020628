package dev.jflared.proxy.internal;

import dev.jflared.ingress.IngressRule;
import dev.jflared.ingress.OriginRequestConfig;
import dev.jflared.ingress.OriginService;
import dev.jflared.proxy.OriginUnreachableException;
import dev.jflared.proxy.TunnelRequest;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
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
 * (chunked, trailers included); {@link Framing} says how, as Go frames cloudflared's request. A request without a
 * body still has its body source read to the end (and dropped), so the transport sees its stream consumed.
 *
 * <h2>Compressed responses</h2>
 * Where Go's transport would ask for gzip ({@link OriginHeaders#asksForGzip}) and the origin answers with
 * {@code Content-Encoding: gzip}, the body is gunzipped on its way ({@link GunzipSource}) and
 * {@code Content-Encoding} and {@code Content-Length} are dropped, so that the eyeball sees what cloudflared returns.
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
        Framing framing = Framing.of(request, config.disableChunkedEncoding());
        boolean askGzip = OriginHeaders.asksForGzip(request);
        String host = config.httpHostHeader().orElse(request.host().isEmpty() ? authority(endpoint)
                : request.host());
        HttpHeaders headers = OriginHeaders.request(request, host, request.host(), tags, framing, askGzip);
        Target target = new Target(OriginHeaders.target(rule.service(), request.pathAndQuery()), headers, framing,
                websocket, askGzip);
        if (framing == Framing.NONE && !websocket) {
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
     * @param framing how the body follows the head
     * @param websocket whether this is a websocket upgrade
     * @param askedForGzip whether {@code Accept-Encoding: gzip} was added, so a gzip answer is gunzipped
     */
    record Target(String uri, HttpHeaders headers, Framing framing, boolean websocket, boolean askedForGzip) {

        boolean hasBody() {
            return framing != Framing.NONE;
        }
    }

    /**
     * How a request body goes to the origin: what Go's {@code transferWriter} writes for the request cloudflared
     * builds ({@code proxy/proxy.go} {@code proxyHTTPRequest}, on a request whose {@code ContentLength} the
     * transport set from its {@code Content-Length} header).
     */
    enum Framing {
        /** No body (none announced, or a websocket): nothing follows the head. */
        NONE,
        /** The eyeball's {@code Content-Length}, then that many bytes. */
        LENGTH,
        /** {@code Transfer-Encoding: chunked}, trailers included: Go's choice for a body of unknown length. */
        CHUNKED,
        /**
         * {@code disableChunkedEncoding} on a body of unknown length. cloudflared sets the request's
         * {@code TransferEncoding} to {@code gzip, deflate}; Go writes a {@code Transfer-Encoding} header only for
         * {@code chunked} and a {@code Content-Length} only for a known length, so the head carries neither and the
         * body's bytes follow as they are, with {@code Connection: keep-alive}. The origin cannot tell where such
         * a body ends, so its connection is never reused.
         */
        UNFRAMED;

        static Framing of(TunnelRequest request, boolean disableChunkedEncoding) {
            if (request.kind() == TunnelRequest.Kind.WEBSOCKET || !OriginHeaders.hasBody(request)) {
                return NONE;
            }
            if (request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
                return LENGTH;
            }
            return disableChunkedEncoding ? UNFRAMED : CHUNKED;
        }
    }

    private record PoolKey(OriginEndpoint endpoint, EventLoop loop) {}
}
