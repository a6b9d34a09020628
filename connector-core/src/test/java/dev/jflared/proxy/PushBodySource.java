package dev.jflared.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import java.util.ArrayDeque;

/** A request body the test feeds as it goes, from any thread: what an eyeball types into a websocket or tcp stream. */
final class PushBodySource implements BodySource {

    private final EventLoop loop;
    private final ArrayDeque<ByteBuf> queued = new ArrayDeque<>();
    private BodyReceiver receiver;
    private boolean demand;
    private boolean ended;
    private boolean aborted;

    PushBodySource(EventLoop loop) {
        this.loop = loop;
    }

    void push(byte[] bytes) {
        loop.execute(() -> {
            if (aborted) {
                return;
            }
            queued.add(Unpooled.wrappedBuffer(bytes));
            deliver();
        });
    }

    void end() {
        loop.execute(() -> {
            ended = true;
            deliver();
        });
    }

    @Override
    public void subscribe(BodyReceiver bodyReceiver) {
        receiver = bodyReceiver;
    }

    @Override
    public void request() {
        demand = true;
        deliver();
    }

    @Override
    public void abort(Throwable cause) {
        aborted = true;
        ByteBuf buf;
        while ((buf = queued.poll()) != null) {
            buf.release();
        }
    }

    private void deliver() {
        if (!demand || receiver == null || aborted) {
            return;
        }
        if (!queued.isEmpty()) {
            demand = false;
            ByteBuf buf;
            while ((buf = queued.poll()) != null) {
                receiver.onChunk(buf);
            }
            receiver.onReadComplete();
        } else if (ended) {
            demand = false;
            aborted = true;
            receiver.onEnd(EmptyHttpHeaders.INSTANCE);
        }
    }
}
