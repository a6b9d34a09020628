package dev.jflared.proxy.internal;

import dev.jflared.proxy.BodyReceiver;
import dev.jflared.proxy.BodySource;
import io.netty.buffer.ByteBuf;

/** A source that first delivers bytes already read (owned by it until delivered), then the rest of the stream. */
final class PrefixedSource implements BodySource {

    private final BodySource rest;
    private ByteBuf prefix;
    private BodyReceiver receiver;

    PrefixedSource(ByteBuf prefix, BodySource rest) {
        this.prefix = prefix;
        this.rest = rest;
    }

    @Override
    public void subscribe(BodyReceiver receiver) {
        this.receiver = receiver;
        rest.subscribe(receiver);
    }

    @Override
    public void request() {
        if (prefix != null) {
            ByteBuf first = prefix;
            prefix = null;
            if (first.isReadable()) {
                receiver.onChunk(first);
                receiver.onReadComplete();
                return;
            }
            first.release();
        }
        rest.request();
    }

    @Override
    public void abort(Throwable cause) {
        if (prefix != null) {
            prefix.release();
            prefix = null;
        }
        rest.abort(cause);
    }
}
