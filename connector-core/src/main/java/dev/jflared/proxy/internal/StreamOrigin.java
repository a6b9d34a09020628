package dev.jflared.proxy.internal;

import dev.jflared.ingress.OriginRequestConfig;
import dev.jflared.proxy.BodySink;
import dev.jflared.proxy.BodySource;
import dev.jflared.proxy.ChannelBodySink;
import dev.jflared.proxy.ChannelBodySource;
import dev.jflared.proxy.OriginUnreachableException;
import dev.jflared.proxy.ProxyEvents;
import dev.jflared.proxy.ResponseHead;
import dev.jflared.proxy.TunnelRequest;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.concurrent.Future;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;

/**
 * Byte-stream origins: {@code tcp://}, {@code ssh://}, {@code rdp://}, {@code smb://} and other
 * {@code scheme://host:port} services, {@code bastion}, and private-network tcp (cloudflared
 * {@code ingress/origin_proxy.go} {@code rawTCPService} and {@code tcpOverWSService}, {@code proxy/proxy.go}
 * {@code proxyStream}).
 *
 * <h2>What the eyeball speaks</h2>
 * A kind-tcp request carries the raw bytes. Any other request to a stream service comes from an Access client
 * ({@code cloudflared access tcp|ssh|rdp}) as a websocket whose binary messages carry the bytes: it is answered
 * {@code 101} with {@code Sec-WebSocket-Accept} once the origin is connected, then unframed and framed by
 * {@link WebSocketFraming}.
 *
 * <h2>{@code proxyType: socks}</h2>
 * With it, an Access client does not get the origin's bytes at once: it speaks SOCKS5 first, inside its websocket,
 * and every CONNECT it makes is answered with the origin already dialled, whatever destination it names
 * (cloudflared {@code tcpOverWSService.start} picks {@code socks.StreamHandler}, whose {@code ConnDialer} hands out
 * that one connection). A kind-tcp stream is raw bytes either way: cloudflared has no rule-matched raw tcp to apply
 * it to. {@code proxyAddress} and {@code proxyPort} are read and kept, and nothing listens on them, as in today's
 * cloudflared: they configured the local websocket proxy that its stream services replaced.
 *
 * <h2>Flow</h2>
 * The origin is dialled first (within {@code connectTimeout}, with {@code tcpKeepAlive}); only a connected origin is
 * acknowledged, so a refused one answers 502. Then a {@link StreamRelay} moves bytes both ways with half-closes.
 */
public final class StreamOrigin {

    private static final String BASTION_HEADER = "Cf-Access-Jump-Destination";
    // cloudflared ingress/config.go: the one proxyType it knows.
    private static final String SOCKS_PROXY_TYPE = "socks";
    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final ByteBufAllocator allocator;
    private final ProxyEvents events;

    public StreamOrigin(ByteBufAllocator allocator, ProxyEvents events) {
        this.allocator = allocator;
        this.events = events;
    }

    /** Serves {@code call} from {@code host:port}. Event-loop only. */
    public void serve(ProxiedRequest call, String host, int port) {
        OriginRequestConfig config = call.rule() == null ? OriginRequestConfig.DEFAULTS : call.rule().originRequest();
        long start = System.nanoTime();
        dial(call.request().eventLoop(), host, port, config).addListener(f -> {
            if (!f.isSuccess()) {
                events.streamConnectFailed(call.request(), f.cause());
                call.fail(new OriginUnreachableException(f.cause()));
                return;
            }
            Channel origin = (Channel) f.getNow();
            events.streamConnected(call.request(), Duration.ofNanos(System.nanoTime() - start));
            relay(call, origin);
        });
    }

    /** Serves a bastion request: the destination is the client's {@code Cf-Access-Jump-Destination}. */
    public void serveBastion(ProxiedRequest call) {
        String destination = call.request().headers().get(BASTION_HEADER);
        if (destination == null || destination.isEmpty()) {
            call.fail(new IllegalArgumentException("Did not receive final destination from client. "
                    + "The --destination flag is likely not set on the client side"));
            return;
        }
        String hostPort = bastionHostPort(destination);
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            call.fail(new IllegalArgumentException("bastion destination has no port: " + destination));
            return;
        }
        serve(call, unbracket(hostPort.substring(0, colon)), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** Serves a private-network tcp request: the destination is the request's own {@code host:port}. */
    public void servePrivateNetwork(ProxiedRequest call) {
        String destination = call.request().destination();
        int colon = destination.lastIndexOf(':');
        if (colon < 0) {
            call.fail(new IllegalArgumentException("tcp destination has no port: " + destination));
            return;
        }
        serve(call, unbracket(destination.substring(0, colon)), Integer.parseInt(destination.substring(colon + 1)));
    }

    /** Dials a TCP origin with the rule's timeouts; auto-read off, half-closure on. */
    Future<Channel> dial(EventLoop loop, String host, int port, OriginRequestConfig config) {
        Bootstrap bootstrap = new Bootstrap().group(loop)
                .channel(OriginChannels.socket(loop))
                .option(ChannelOption.ALLOCATOR, allocator)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, !config.tcpKeepAlive().isZero())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        Math.max(1, config.connectTimeout().toMillis())))
                .handler(new ChannelInboundHandlerAdapter());
        return OriginDialer.dial(bootstrap, loop, host, port, !config.noHappyEyeballs());
    }

    /** Acknowledges the stream and relays bytes between the eyeball and a connected origin channel. */
    void relay(ProxiedRequest call, Channel origin) {
        TunnelRequest request = call.request();
        boolean raw = request.kind() == TunnelRequest.Kind.TCP;
        if (!raw && call.rule().originRequest().proxyType().equals(SOCKS_PROXY_TYPE)) {
            SocksHandshake.serve(call, SocksDialer.connected(origin), allocator);
            return;
        }
        BodySink toEyeball = call.respond(raw
                ? new ResponseHead(200, new DefaultHttpHeaders(), ResponseHead.Source.ORIGIN)
                : new ResponseHead(101, websocketAccept(request.headers()), ResponseHead.Source.ORIGIN));
        if (raw) {
            events.tcpSessionStarted(request);
        }
        ChannelBodySource fromOrigin = ChannelBodySource.install(origin, "stream-from-origin");
        ChannelBodySink toOrigin = ChannelBodySink.install(origin, "stream-to-origin", ChannelBodySink.Framing.RAW);
        BodySource eyeball = request.body();
        BodySink eyeballSink = toEyeball;
        if (!raw) {
            WebSocketFraming framing = new WebSocketFraming(eyeball, toEyeball, allocator, request.eventLoop());
            eyeball = framing.payloads();
            eyeballSink = framing.frames();
        }
        StreamRelay.start(origin, eyeball, toOrigin, fromOrigin, eyeballSink).addListener(f -> {
            if (raw) {
                events.tcpSessionFinished(request);
            }
        });
    }

    /** The 101 headers cloudflared answers an Access client with ({@code websocket.NewResponseHeader}). */
    static HttpHeaders websocketAccept(HttpHeaders requestHeaders) {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        String key = requestHeaders.get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (key != null) {
            headers.set(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, acceptKey(key));
        }
        return headers;
    }

    static String acceptKey(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key.trim() + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-1", e);
        }
    }

    // cloudflared carrier.ResolveBastionDest: drop a scheme and a path the client may have put around host:port.
    private static String bastionHostPort(String destination) {
        if (destination.contains("://")) {
            URI uri = URI.create(destination);
            if (uri.getRawAuthority() != null) {
                return uri.getRawAuthority();
            }
        }
        int slash = destination.indexOf('/');
        return slash < 0 ? destination : destination.substring(0, slash);
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
