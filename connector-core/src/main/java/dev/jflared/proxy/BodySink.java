package dev.jflared.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Where body chunks go: the writing half of a stream, in Netty terms a channel seen through {@code write},
 * {@code flush} and {@code isWritable}. Event-loop confined like {@link BodySource}.
 *
 * <h2>Flow control</h2>
 * A writer keeps writing while {@link #isWritable()} and otherwise waits for
 * {@link Listener#onWritable()}; this is what bounds memory on the writing side.
 *
 * <h2>Ownership</h2>
 * {@link #write} takes the chunk, whatever happens (a closed sink releases it). After {@link #end} or
 * {@link #abort} nothing more may be written.
 */
public interface BodySink {

    /** Whether a write now would be buffered within bounds. Transfers nothing. */
    boolean isWritable();

    /** Queues {@code chunk}; the sink now owns it. Call {@link #flush()} to send what is queued. */
    void write(ByteBuf chunk);

    /** Sends everything queued so far. Transfers nothing. */
    void flush();

    /** Ends the body with these trailers (empty for none) and flushes. Transfers nothing. */
    void end(HttpHeaders trailers);

    /** Ends the body abnormally (a reset, not a clean end); queued data may be dropped. Transfers nothing. */
    void abort(Throwable cause);

    /**
     * Sets the one listener told when the sink becomes writable again or closes under the writer. Called at most
     * once, before writing. Transfers nothing.
     */
    void listener(Listener listener);

    /** Events of a sink, delivered on its event loop. */
    interface Listener {

        /** The sink became writable after having been unwritable: a paused writer resumes here. */
        void onWritable();

        /** The sink closed before {@link #end}: the peer went away. The writer should abort its source. */
        void onClosed(Throwable cause);
    }
}
