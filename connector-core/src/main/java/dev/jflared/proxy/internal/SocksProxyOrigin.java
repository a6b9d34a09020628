package dev.jflared.proxy.internal;

import io.netty.buffer.ByteBufAllocator;

/**
 * {@code socks-proxy}: a SOCKS5 server spoken inside the Access client's websocket (cloudflared
 * {@code socksProxyOverWSService} and {@code socks.StreamNetHandler}): the stream is accepted at once ({@code 101}),
 * then {@link SocksHandshake} answers the client, and each CONNECT is checked against the rule's {@code ipRules}
 * and dialled ({@link SocksDialer#network}).
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
        SocksHandshake.serve(call, SocksDialer.network(streams, call.rule().originRequest(),
                call.request().eventLoop()), allocator);
    }
}
