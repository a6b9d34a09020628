package dev.jflared.proxy;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The message a transport's framing decoder fires to end a body read through {@link ChannelBodySource}, with the
 * trailers that came with the end (an HTTP/2 trailing HEADERS frame, for instance).
 *
 * @param trailers the trailers, empty when there were none
 */
public record BodyEnd(HttpHeaders trailers) {

    /** An end without trailers. */
    public static final BodyEnd NO_TRAILERS = new BodyEnd(EmptyHttpHeaders.INSTANCE);

    public BodyEnd {
        requireNonNull(trailers, "trailers");
    }
}
