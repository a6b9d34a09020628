package dev.jflared.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.zip.CRC32;

/**
 * An in-memory {@link TunnelResponder}, as a transport would be: records the head, the body (count, CRC32, and
 * the bytes themselves when small), the trailers, and how it ended. A slow one keeps what it is given and
 * releases one chunk per event-loop turn, unwritable above a watermark: a reader that signals demand gradually.
 */
final class TestResponder implements TunnelResponder {

    private static final int HIGH_WATERMARK = 256 * 1024;
    private static final int LOW_WATERMARK = 64 * 1024;
    private static final int KEPT_LIMIT = 1024 * 1024;
    private static final int DRAIN_STEP = 16 * 1024;

    final CompletableFuture<ResponseHead> head = new CompletableFuture<>();
    final CompletableFuture<Throwable> failure = new CompletableFuture<>();
    final CompletableFuture<HttpHeaders> trailers = new CompletableFuture<>();
    final CompletableFuture<Throwable> aborted = new CompletableFuture<>();
    final LinkedBlockingQueue<String> chunks = new LinkedBlockingQueue<>();
    private final EventLoop loop;
    private final boolean slow;
    private final MemoryProbe probe;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CRC32 crc = new CRC32();
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    private volatile long bytes;
    private volatile int pauses;
    private long pendingBytes;
    private long credit;
    private boolean draining;
    private boolean wasUnwritable;
    private BodySink.Listener listener;

    private TestResponder(EventLoop loop, boolean slow, MemoryProbe probe) {
        this.loop = loop;
        this.slow = slow;
        this.probe = probe;
    }

    static TestResponder fast(EventLoop loop) {
        return new TestResponder(loop, false, null);
    }

    static TestResponder slow(EventLoop loop, MemoryProbe probe) {
        return new TestResponder(loop, true, probe);
    }

    long bytes() {
        return bytes;
    }

    /** How many times the sink turned unwritable: how often the proxy had to pause. */
    int pauses() {
        return pauses;
    }

    synchronized long crc() {
        return crc.getValue();
    }

    synchronized String body() {
        return kept.toString(StandardCharsets.UTF_8);
    }

    /** The status once the head or a failure came (502 for a failure, as transports answer). */
    int status() {
        return head.isDone() ? head.join().status() : 502;
    }

    @Override
    public BodySink respond(ResponseHead responseHead) {
        if (head.isDone() || failure.isDone()) {
            throw new IllegalStateException("answered twice");
        }
        head.complete(responseHead);
        return new Sink();
    }

    @Override
    public void fail(Throwable cause) {
        if (head.isDone() || failure.isDone()) {
            throw new IllegalStateException("answered twice");
        }
        failure.complete(cause);
    }

    private synchronized void consume(ByteBuf chunk) {
        int length = chunk.readableBytes();
        for (ByteBuffer buffer : chunk.nioBuffers()) {
            crc.update(buffer);
        }
        if (kept.size() < KEPT_LIMIT) {
            byte[] copy = new byte[length];
            chunk.getBytes(chunk.readerIndex(), copy);
            kept.write(copy, 0, copy.length);
            chunks.add(new String(copy, StandardCharsets.UTF_8));
        }
        bytes += length;
        chunk.release();
        notifyAll();
    }

    /** Waits until at least {@code count} body bytes arrived; returns them as ISO-8859-1 text. */
    synchronized String awaitBytes(int count) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (kept.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("only " + kept.size() + " of " + count + " bytes arrived: "
                        + kept.toString(StandardCharsets.ISO_8859_1));
            }
            wait(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(left) + 1);
        }
        return kept.toString(StandardCharsets.ISO_8859_1);
    }

    // While writable, the reader consumes half as much as it is given (credit), so its backlog grows until the
    // sink turns unwritable; then it drains freely down to the low watermark and the proxy may resume.
    private void drainOne() {
        ByteBuf chunk = pending.peek();
        int step = chunk == null ? 0 : Math.min(DRAIN_STEP, chunk.readableBytes());
        if (chunk == null || (!wasUnwritable && credit < step)) {
            draining = false;
            return;
        }
        credit = Math.max(0, credit - step);
        if (chunk.readableBytes() > DRAIN_STEP) {
            ByteBuf part = chunk.readRetainedSlice(DRAIN_STEP);
            pendingBytes -= DRAIN_STEP;
            consume(part);
        } else {
            pending.poll();
            pendingBytes -= chunk.readableBytes();
            consume(chunk);
        }
        if (wasUnwritable && pendingBytes < LOW_WATERMARK) {
            wasUnwritable = false;
            listener.onWritable();
        }
        loop.execute(this::drainOne);
    }

    private final class Sink implements BodySink {

        @Override
        public boolean isWritable() {
            boolean writable = !slow || pendingBytes < HIGH_WATERMARK;
            if (!writable && !wasUnwritable) {
                wasUnwritable = true;
                pauses++;
            }
            return writable;
        }

        @Override
        public void write(ByteBuf chunk) {
            if (probe != null) {
                probe.sample();
            }
            if (!slow) {
                consume(chunk);
                return;
            }
            pending.add(chunk);
            pendingBytes += chunk.readableBytes();
            credit += chunk.readableBytes() / 2;
        }

        @Override
        public void flush() {
            if (slow && !draining && !pending.isEmpty()) {
                draining = true;
                loop.execute(TestResponder.this::drainOne);
            }
        }

        @Override
        public void end(HttpHeaders endTrailers) {
            ByteBuf chunk;
            while ((chunk = pending.poll()) != null) {
                consume(chunk);
            }
            pendingBytes = 0;
            trailers.complete(endTrailers);
        }

        @Override
        public void abort(Throwable cause) {
            ByteBuf chunk;
            while ((chunk = pending.poll()) != null) {
                chunk.release();
            }
            aborted.complete(cause);
        }

        @Override
        public void listener(Listener sinkListener) {
            listener = sinkListener;
        }
    }
}
