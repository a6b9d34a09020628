package dev.jflared.embed;

import dev.jflared.proxy.BodySink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A response body as a blocking {@link OutputStream} for a handler on a worker thread, written to a
 * {@link BodySink} on the request's event loop (set with {@link #attach}).
 *
 * <h2>Flow control</h2>
 * Bytes are gathered into chunks of up to {@value #CHUNK} bytes and handed to the loop on a full chunk,
 * {@link #flush()} or {@link #close()}. The loop writes them while the sink {@linkplain BodySink#isWritable is
 * writable} and otherwise waits for {@link BodySink.Listener#onWritable()}. A writer with more than {@code window}
 * bytes handed over and not yet taken by the sink waits on a condition until the sink drains: memory stays bounded
 * and no thread spins.
 *
 * <h2>Ownership</h2>
 * Chunks belong to this stream until the sink takes them; a sink that closes under the writer makes every later
 * write fail with an {@link IOException}, and what was queued is released.
 */
final class ResponseBodyOutputStream extends OutputStream implements BodySink.Listener {

    private static final int CHUNK = 16 * 1024;

    private final EventLoop loop;
    private final int window;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    // Writer-thread only.
    private ByteBuf current;
    private boolean closed;
    // Guarded by lock.
    private long inFlight;
    private IOException failure;
    // Event-loop only.
    private BodySink sink;
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private boolean endQueued;
    private boolean done;

    ResponseBodyOutputStream(EventLoop loop, int window) {
        this.loop = loop;
        this.window = window;
    }

    /**
     * Sets the sink once the response head went out. Event-loop only, and before any chunk is handed over: the
     * writer hands chunks over only through {@link EventLoop#execute}, after the task that calls this.
     */
    void attach(BodySink sink) {
        this.sink = sink;
        sink.listener(this);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        checkOpen();
        while (len > 0) {
            if (current == null) {
                current = ByteBufAllocator.DEFAULT.heapBuffer(Math.max(CHUNK, 256));
            }
            int n = Math.min(len, current.writableBytes());
            current.writeBytes(b, off, n);
            off += n;
            len -= n;
            if (!current.isWritable()) {
                handOver(false);
            }
        }
    }

    @Override
    public void flush() throws IOException {
        checkOpen();
        handOver(false);
    }

    /** Sends what is left and ends the body. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        handOver(true);
        closed = true;
    }

    /** For a response without a body: the sink was ended already; writing fails, closing does nothing. */
    void abandon() {
        closed = true;
    }

    /** Aborts the body from the writer's side: nothing more is sent, the sink is reset. */
    void abort(Throwable cause) {
        closed = true;
        if (current != null) {
            current.release();
            current = null;
        }
        loop.execute(() -> {
            if (!done) {
                done = true;
                releaseQueue();
                sink.abort(cause);
            }
        });
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("the response body stream is closed");
        }
        lock.lock();
        try {
            if (failure != null) {
                throw failure;
            }
        } finally {
            lock.unlock();
        }
    }

    private void handOver(boolean end) throws IOException {
        ByteBuf chunk = current;
        current = null;
        int size = chunk == null ? 0 : chunk.readableBytes();
        lock.lock();
        try {
            if (failure != null) {
                if (chunk != null) {
                    chunk.release();
                }
                throw failure;
            }
            inFlight += size;
        } finally {
            lock.unlock();
        }
        if (chunk != null && size == 0) {
            chunk.release();
            chunk = null;
        }
        ByteBuf handed = chunk;
        loop.execute(() -> enqueue(handed, end));
        if (!end) {
            awaitRoom();
        }
    }

    private void awaitRoom() throws IOException {
        lock.lock();
        try {
            // The writer pauses here until the loop has passed enough to a writable sink.
            while (inFlight > window && failure == null) {
                drained.awaitUninterruptibly();
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            lock.unlock();
        }
    }

    private void enqueue(ByteBuf chunk, boolean end) {
        if (done) {
            if (chunk != null) {
                chunk.release();
            }
            return;
        }
        if (chunk != null) {
            queue.add(chunk);
        }
        endQueued |= end;
        drain();
    }

    private void drain() {
        long written = 0;
        while (!queue.isEmpty() && sink.isWritable()) {
            ByteBuf chunk = queue.poll();
            written += chunk.readableBytes();
            sink.write(chunk);
        }
        if (written > 0) {
            sink.flush();
        }
        if (queue.isEmpty() && endQueued && !done) {
            done = true;
            sink.end(EmptyHttpHeaders.INSTANCE);
        }
        if (written > 0) {
            lock.lock();
            try {
                inFlight -= written;
                drained.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public void onWritable() {
        if (!done) {
            drain();
        }
    }

    @Override
    public void onClosed(Throwable cause) {
        done = true;
        releaseQueue();
        lock.lock();
        try {
            failure = new IOException("the eyeball went away: " + cause, cause);
            drained.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void releaseQueue() {
        ByteBuf chunk;
        while ((chunk = queue.poll()) != null) {
            chunk.release();
        }
    }
}
