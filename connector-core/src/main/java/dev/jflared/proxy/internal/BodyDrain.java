package dev.jflared.proxy.internal;

import dev.jflared.proxy.BodyReceiver;
import dev.jflared.proxy.BodySource;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Reads a body nobody wants to its end, releasing each chunk at once: a request without a body still has its
 * stream's end to consume. Memory stays at one batch.
 */
final class BodyDrain implements BodyReceiver {

    private final BodySource source;
    private boolean requesting;
    private boolean again;
    private boolean ended;

    private BodyDrain(BodySource source) {
        this.source = source;
    }

    static void drain(BodySource source) {
        BodyDrain drain = new BodyDrain(source);
        source.subscribe(drain);
        drain.more();
    }

    @Override
    public void onChunk(ByteBuf chunk) {
        chunk.release();
    }

    @Override
    public void onReadComplete() {
        more();
    }

    @Override
    public void onEnd(HttpHeaders trailers) {
        ended = true;
    }

    @Override
    public void onError(Throwable cause) {
        ended = true;
    }

    private void more() {
        if (requesting) {
            again = true;
            return;
        }
        requesting = true;
        do {
            again = false;
            source.request();
        } while (again && !ended);
        requesting = false;
    }
}
