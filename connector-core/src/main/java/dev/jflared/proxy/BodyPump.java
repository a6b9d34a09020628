package dev.jflared.proxy;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.Future;

/**
 * Moves a body from a {@link BodySource} to a {@link BodySink}, asking for more only while the sink is writable.
 * This is the one place where reading pauses and resumes; everything that streams a body uses it.
 *
 * <h2>Flow control</h2>
 * After each batch the pump flushes the sink, then asks the source for the next batch if the sink is writable;
 * otherwise it waits for {@link BodySink.Listener#onWritable()}. At most one batch is in memory per pump.
 *
 * <h2>Ending</h2>
 * The source's end ends the sink (with its trailers); a source error aborts the sink; a sink that closes under
 * the pump aborts the source. {@link #done()} completes in every case, with the cause when it failed.
 *
 * <h2>Threads</h2>
 * Event-loop only: create and start it on the loop both sides belong to.
 */
public final class BodyPump implements BodyReceiver, BodySink.Listener {

    private final BodySource source;
    private final BodySink sink;
    private final EventLoop loop;
    private final Promise<Void> done;
    private boolean requesting;
    private boolean requestAgain;
    private boolean paused;
    private boolean finished;

    /** A pump from {@code source} to {@code sink}, both on {@code loop}; nothing moves until {@link #start()}. */
    public BodyPump(BodySource source, BodySink sink, EventLoop loop) {
        this.source = requireNonNull(source, "source");
        this.sink = requireNonNull(sink, "sink");
        this.loop = requireNonNull(loop, "loop");
        this.done = loop.newPromise();
    }

    /** Subscribes to the source and asks for the first batch. Event-loop only. */
    public BodyPump start() {
        assert loop.inEventLoop();
        sink.listener(this);
        source.subscribe(this);
        requestMore();
        return this;
    }

    /** Completes when the body ended, successfully or not. */
    public Future<Void> done() {
        return done;
    }

    /** Whether the body has ended (either way). */
    public boolean isFinished() {
        return finished;
    }

    /** Stops the flow from outside: aborts both sides. Does nothing once finished. Event-loop only. */
    public void abort(Throwable cause) {
        if (finished) {
            return;
        }
        finished = true;
        source.abort(cause);
        sink.abort(cause);
        done.tryFailure(cause);
    }

    @Override
    public void onChunk(ByteBuf chunk) {
        if (finished) {
            chunk.release();
            return;
        }
        sink.write(chunk);
    }

    @Override
    public void onReadComplete() {
        if (finished) {
            return;
        }
        sink.flush();
        if (sink.isWritable()) {
            requestMore();
        } else {
            // Reading pauses here; it resumes in onWritable() when the sink drains.
            paused = true;
        }
    }

    @Override
    public void onEnd(HttpHeaders trailers) {
        if (finished) {
            return;
        }
        finished = true;
        sink.end(trailers);
        done.trySuccess(null);
    }

    @Override
    public void onError(Throwable cause) {
        if (finished) {
            return;
        }
        finished = true;
        sink.abort(cause);
        done.tryFailure(cause);
    }

    @Override
    public void onWritable() {
        if (paused && !finished && sink.isWritable()) {
            paused = false;
            requestMore();
        }
    }

    @Override
    public void onClosed(Throwable cause) {
        if (finished) {
            return;
        }
        finished = true;
        source.abort(cause);
        done.tryFailure(cause);
    }

    // A source may deliver a whole batch synchronously inside request(); looping here instead of recursing keeps
    // the stack flat however many batches arrive that way.
    private void requestMore() {
        if (requesting) {
            requestAgain = true;
            return;
        }
        requesting = true;
        try {
            do {
                requestAgain = false;
                source.request();
            } while (requestAgain && !finished);
        } finally {
            requesting = false;
        }
    }
}
