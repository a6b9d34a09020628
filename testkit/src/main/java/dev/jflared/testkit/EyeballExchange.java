package dev.jflared.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import java.util.List;
import java.util.Map;

/**
 * The eyeball half of one proxied request, which a transport's request stream feeds with the connector's answer.
 * Every method may be called from any thread; the work happens on the eyeball channel's event loop, in call order.
 *
 * <h2>Flow control</h2>
 * A transport reads the next piece of the response at once while {@link #isWritable()}, and otherwise only after
 * {@link #whenWritable} ran its task: the previous piece has been written and the eyeball can take more.
 */
interface EyeballExchange {

    /** The request the transport forwards. */
    EdgeRequest request();

    /** The connector answered: status and headers (a 101 switches the eyeball connection to raw bytes), or error. */
    void respond(EdgeResponse response);

    /** Writes a piece of the response body. Takes ownership of {@code chunk}. */
    ChannelFuture writeBody(ByteBuf chunk);

    /** Whether the eyeball connection can take more now (any thread; queued writes count). */
    boolean isWritable();

    /** Runs {@code task} on the eyeball loop once {@code lastWrite} is done and the eyeball is writable. */
    void whenWritable(ChannelFuture lastWrite, Runnable task);

    /** The response body is complete. */
    default void end() {
        end(List.of());
    }

    /**
     * The response body is complete, followed by these trailers; a chunked eyeball response carries them in its
     * last chunk (HTTP/1.1 has nowhere else to put them), and the edge reports them as a {@code trailers} event.
     */
    void end(List<Map.Entry<String, String>> trailers);

    /** The stream failed: the eyeball gets a 502 if no answer was sent yet, else its connection is closed. */
    void fail(String reason);
}
