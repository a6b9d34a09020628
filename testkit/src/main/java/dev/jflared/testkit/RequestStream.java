package dev.jflared.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;

/**
 * The transport half of one proxied request: where the eyeball's request body goes. Every method may be called
 * from any thread.
 *
 * <h2>Flow control</h2>
 * The eyeball side reads more of the request body at once while {@link #isWritable()}, and otherwise only after
 * {@link #whenWritable} ran its task.
 */
interface RequestStream {

    /** Writes a piece of the request body toward the connector. Takes ownership of {@code chunk}. */
    ChannelFuture writeBody(ByteBuf chunk);

    /** Whether the stream can take more now (any thread; queued writes count). */
    boolean isWritable();

    /** Runs {@code task} on the stream's loop once {@code lastWrite} is done and the stream is writable. */
    void whenWritable(ChannelFuture lastWrite, Runnable task);

    /** The request body is complete: end our direction of the stream. */
    void endBody();

    /** Abandons the stream in both directions (the eyeball went away). */
    void abort();
}
