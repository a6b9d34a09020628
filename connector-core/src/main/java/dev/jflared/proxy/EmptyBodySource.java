package dev.jflared.proxy;

import io.netty.handler.codec.http.EmptyHttpHeaders;

/** The body of a request without one: it ends as soon as it is asked for. */
final class EmptyBodySource implements BodySource {

    private BodyReceiver receiver;
    private boolean done;

    @Override
    public void subscribe(BodyReceiver receiver) {
        if (this.receiver != null) {
            throw new IllegalStateException("already subscribed");
        }
        this.receiver = receiver;
    }

    @Override
    public void request() {
        if (!done) {
            done = true;
            receiver.onEnd(EmptyHttpHeaders.INSTANCE);
        }
    }

    @Override
    public void abort(Throwable cause) {
        done = true;
    }
}
