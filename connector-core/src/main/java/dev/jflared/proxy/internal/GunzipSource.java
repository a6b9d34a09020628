package dev.jflared.proxy.internal;

import dev.jflared.proxy.BodyReceiver;
import dev.jflared.proxy.BodySource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.compression.Decompressor;
import io.netty.handler.codec.compression.JdkZlibDecompressor;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayDeque;

/**
 * A response body gunzipped on its way, as Go's transport does for cloudflared when it asked for gzip itself (its
 * {@code gzipReader}). Every member of a multi-member gzip stream is decompressed, as Go's reader does; a truncated
 * stream or a bad checksum is an error.
 *
 * <h2>Flow control</h2>
 * Decompression is pulled, never pushed: each {@link #request()} produces about {@value #BATCH_BYTES} bytes at most,
 * in buffers of at most {@value #MAX_BUFFER} bytes (Netty's {@link Decompressor} hands its output out piece by
 * piece), and the compressed body is asked for more only once the decompressor has used up what it was given. So
 * memory stays bounded by one compressed read and one batch, however well the body compresses.
 *
 * <h2>Errors</h2>
 * Bad gzip data fails the body: the compressed source is aborted (which drops the origin connection) and the
 * receiver hears {@link BodyReceiver#onError}.
 *
 * <h2>Ownership</h2>
 * Compressed chunks belong to this source once delivered, and go to the decompressor; decompressed buffers go to
 * the receiver. What is still held is released at the end, on an error and on {@link #abort}. Event-loop confined.
 */
final class GunzipSource implements BodySource, BodyReceiver {

    static final int BATCH_BYTES = 64 * 1024;
    static final int MAX_BUFFER = 64 * 1024;

    private final BodySource compressed;
    private final Decompressor decompressor;
    private final ArrayDeque<ByteBuf> input = new ArrayDeque<>();
    private BodyReceiver receiver;
    // The compressed body's trailers, once it ended.
    private HttpHeaders trailers;
    private boolean demand;
    private boolean awaitingInput;
    private boolean producing;
    private boolean produceAgain;
    private boolean done;

    GunzipSource(BodySource compressed, ByteBufAllocator allocator) {
        this.compressed = compressed;
        this.decompressor = JdkZlibDecompressor.builder().wrapper(ZlibWrapper.GZIP).decompressConcatenated(true)
                .maxAllocation(MAX_BUFFER).build(allocator);
    }

    @Override
    public void subscribe(BodyReceiver bodyReceiver) {
        this.receiver = bodyReceiver;
        compressed.subscribe(this);
    }

    @Override
    public void request() {
        demand = true;
        produce();
    }

    @Override
    public void abort(Throwable cause) {
        if (done) {
            return;
        }
        boolean compressedOver = trailers != null;
        release();
        if (!compressedOver) {
            compressed.abort(cause);
        }
    }

    @Override
    public void onChunk(ByteBuf chunk) {
        if (done) {
            chunk.release();
            return;
        }
        input.add(chunk);
    }

    @Override
    public void onReadComplete() {
        awaitingInput = false;
        produce();
    }

    @Override
    public void onEnd(HttpHeaders endTrailers) {
        trailers = endTrailers;
        awaitingInput = false;
        produce();
    }

    @Override
    public void onError(Throwable cause) {
        if (done) {
            return;
        }
        release();
        receiver.onError(cause);
    }

    // The receiver may ask for the next batch from inside onReadComplete, and the compressed source may deliver
    // from inside its request(): looping here instead of recursing keeps the stack flat.
    private void produce() {
        if (producing) {
            produceAgain = true;
            return;
        }
        producing = true;
        try {
            do {
                produceAgain = false;
                if (demand && !awaitingInput && !done) {
                    step();
                }
            } while (produceAgain);
        } finally {
            producing = false;
        }
    }

    /** Delivers one batch, the end or an error, or asks the compressed body for more. */
    private void step() {
        int produced = 0;
        try {
            while (!done) {
                Decompressor.Status status = decompressor.status();
                if (status == Decompressor.Status.COMPLETE) {
                    end();
                } else if (status == Decompressor.Status.NEED_OUTPUT) {
                    if (produced >= BATCH_BYTES) {
                        completeBatch();
                        return;
                    }
                    ByteBuf output = decompressor.takeOutput();
                    produced += output.readableBytes();
                    deliver(output);
                } else if (!input.isEmpty()) {
                    decompressor.addInput(input.poll());
                } else if (trailers != null) {
                    decompressor.endOfInput();
                } else if (produced > 0) {
                    completeBatch();
                    return;
                } else {
                    awaitingInput = true;
                    compressed.request();
                    return;
                }
            }
        } catch (DecompressionException e) {
            fail(e);
        }
    }

    private void deliver(ByteBuf output) {
        if (output.isReadable()) {
            receiver.onChunk(output);
        } else {
            output.release();
        }
    }

    private void completeBatch() {
        demand = false;
        receiver.onReadComplete();
    }

    private void end() {
        HttpHeaders ended = trailers;
        release();
        receiver.onEnd(ended);
    }

    private void fail(DecompressionException cause) {
        boolean compressedOver = trailers != null;
        release();
        if (!compressedOver) {
            compressed.abort(cause);
        }
        receiver.onError(cause);
    }

    private void release() {
        done = true;
        ByteBuf chunk;
        while ((chunk = input.poll()) != null) {
            chunk.release();
        }
        decompressor.close();
    }
}
