package dev.jflared.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Receives the chunks a {@link BodySource} delivers after {@link BodySource#request()}. Every method is called
 * on the source's event loop, one at a time.
 *
 * <h2>Ownership</h2>
 * A chunk passed to {@link #onChunk} belongs to the receiver, which must release it (or pass it on to someone who
 * will). Nothing else crosses this interface with a reference count.
 */
public interface BodyReceiver {

    /** One chunk of body bytes; the receiver now owns {@code chunk} and must release it. */
    void onChunk(ByteBuf chunk);

    /**
     * The chunks delivered for the last {@link BodySource#request()} are all here: flush them, and call
     * {@code request()} again when there is room for more. Owns nothing.
     */
    void onReadComplete();

    /** The body ended normally, with these trailers (empty when there are none); nothing follows. */
    void onEnd(HttpHeaders trailers);

    /** The body ended abnormally; nothing follows. The source already released what it held. */
    void onError(Throwable cause);
}
