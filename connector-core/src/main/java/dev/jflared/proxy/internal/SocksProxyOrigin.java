package dev.jflared.proxy.internal;

import dev.jflared.ingress.OriginRequestConfig;
import dev.jflared.proxy.BodySink;
import dev.jflared.proxy.ResponseHead;
import io.netty.buffer.ByteBufAllocator;

/**
 * {@code socks-proxy}: a SOCKS5 server spoken inside the Access client's websocket (cloudflared
 * {@code socksProxyOverWSService} and {@code socks/}): the stream is accepted at once ({@code 101}), then the
 * client's SOCKS5 greeting and CONNECT are answered by {@link SocksHandshake}, checked against the rule's
 * {@code ipRules}, and the connected destination is relayed like any stream origin.
 */
public final class SocksProxyOrigin {

    private final StreamOrigin streams;
    private final ByteBufAllocator allocator;

    public SocksProxyOrigin(StreamOrigin streams, ByteBufAllocator allocator) {
        this.streams = streams;
        this.allocator = allocator;
    }

    /** Serves {@code call}. Event-loop only. */
    public void serve(ProxiedRequest call) {
        OriginRequestConfig config = call.rule().originRequest();
        BodySink toEyeball = call.respond(new ResponseHead(101,
                StreamOrigin.websocketAccept(call.request().headers()), ResponseHead.Source.ORIGIN));
        WebSocketFraming framing = new WebSocketFraming(call.request().body(), toEyeball, allocator,
                call.request().eventLoop());
        new SocksHandshake(framing, streams, config, call.request().eventLoop(), allocator).start();
    }
}
