package dev.jflared.embed;

import dev.jflared.proxy.BodyReceiver;
import dev.jflared.proxy.BodySource;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A request body as a blocking {@link InputStream} for a handler on a worker thread, fed by a {@link BodySource}
 * on the request's event loop.
 *
 * <h2>Flow control</h2>
 * The loop side asks the source for more only while fewer than {@code window} bytes wait for the reader; once the
 * reader has taken enough, it asks again through {@link EventLoop#execute}. A reader with nothing to read waits on
 * a condition, never spinning.
 *
 * <h2>Ownership</h2>
 * Chunks belong to this stream until read to the end; {@link #close()} (or an abort) releases what is left and
 * aborts the source.
 */
final class RequestBodyInputStream extends InputStream implements BodyReceiver {

    private final BodySource source;
    private final EventLoop loop;
    private final int window;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    // Guarded by lock.
    private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();
    private long buffered;
    private boolean ended;
    private boolean closed;
    private IOException failure;
    private boolean paused;

    RequestBodyInputStream(BodySource source, EventLoop loop, int window) {
        this.source = source;
        this.loop = loop;
        this.window = window;
    }

    /** Subscribes and asks for the first batch. Event-loop only. */
    void start() {
        source.subscribe(this);
        source.request();
    }

    @Override
    public void onChunk(ByteBuf chunk) {
        lock.lock();
        try {
            if (closed) {
                chunk.release();
                return;
            }
            chunks.add(chunk);
            buffered += chunk.readableBytes();
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onReadComplete() {
        boolean more;
        lock.lock();
        try {
            more = !closed && buffered < window;
            paused = !more && !closed;
        } finally {
            lock.unlock();
        }
        if (more) {
            source.request();
        }
    }

    @Override
    public void onEnd(HttpHeaders trailers) {
        finish(null);
    }

    @Override
    public void onError(Throwable cause) {
        finish(new IOException("the request body failed: " + cause, cause));
    }

    private void finish(IOException cause) {
        lock.lock();
        try {
            ended = true;
            failure = cause;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        boolean resume = false;
        int n;
        lock.lock();
        try {
            while (chunks.isEmpty() && !ended && !closed) {
                readable.awaitUninterruptibly();
            }
            if (closed) {
                throw new IOException("the request body stream is closed");
            }
            if (chunks.isEmpty()) {
                if (failure != null) {
                    throw failure;
                }
                return -1;
            }
            ByteBuf chunk = chunks.peek();
            n = Math.min(len, chunk.readableBytes());
            chunk.readBytes(b, off, n);
            if (!chunk.isReadable()) {
                chunks.poll().release();
            }
            buffered -= n;
            if (paused && buffered < window / 2) {
                paused = false;
                resume = true;
            }
        } finally {
            lock.unlock();
        }
        if (resume) {
            // Reading resumes here: the reader made room for another batch.
            loop.execute(source::request);
        }
        return n;
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, buffered);
        } finally {
            lock.unlock();
        }
    }

    /** Releases what is buffered and, unless the body ended, aborts the source. Idempotent. */
    @Override
    public void close() {
        boolean abort;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            abort = !ended;
            ByteBuf chunk;
            while ((chunk = chunks.poll()) != null) {
                chunk.release();
            }
            buffered = 0;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
        if (abort) {
            loop.execute(() -> source.abort(new IOException("the handler closed the request body")));
        }
    }
}
