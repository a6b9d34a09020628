package dev.jflared.it;

import dev.jflared.transport.Protocol;

/** Issue 5: the whole {@link TunnelEndToEndTest} suite with every connection over HTTP/2 instead of QUIC. */
class TunnelEndToEndOverHttp2Test extends TunnelEndToEndTest {

    @Override
    protected Protocol protocol() {
        return Protocol.HTTP2;
    }
}
