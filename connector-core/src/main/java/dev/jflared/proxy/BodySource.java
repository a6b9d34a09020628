package dev.jflared.proxy;

/**
 * A body that delivers its chunks only when asked: the flow-controlled half of a stream, in Netty terms a channel
 * with auto-read off. Event-loop confined: every method is called on the event loop of the request it belongs to.
 *
 * <h2>Protocol</h2>
 * <ol>
 *   <li>{@link #subscribe} once with the one {@link BodyReceiver}.</li>
 *   <li>{@link #request()} asks for one batch: the source delivers zero or more {@link BodyReceiver#onChunk}
 *       calls followed by {@link BodyReceiver#onReadComplete}, now or later, exactly as a {@code Channel.read()}
 *       produces {@code channelRead}s and a {@code channelReadComplete}. It may instead end the body with
 *       {@link BodyReceiver#onEnd} or {@link BodyReceiver#onError}.</li>
 *   <li>The receiver calls {@code request()} again only when it has room; a source never delivers unasked,
 *       so memory stays bounded by one batch.</li>
 * </ol>
 *
 * <h2>Ownership</h2>
 * Chunks move to the receiver with {@code onChunk}. {@link #abort} makes the source release whatever it still
 * holds and stop; after it the receiver hears nothing more.
 */
public interface BodySource {

    /** Attaches the one receiver. Call once, before {@link #request()}. Transfers nothing. */
    void subscribe(BodyReceiver receiver);

    /** Asks for one more batch of chunks (see the class doc). Transfers nothing. */
    void request();

    /** Gives up on the body: the source releases what it buffered and stops delivering. Transfers nothing. */
    void abort(Throwable cause);

    /** A body with no bytes: ends with empty trailers at the first {@link #request()}. */
    static BodySource empty() {
        return new EmptyBodySource();
    }
}
