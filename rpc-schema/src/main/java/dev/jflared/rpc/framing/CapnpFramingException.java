package dev.jflared.rpc.framing;

import io.netty.handler.codec.DecoderException;

/**
 * A Cap'n Proto message on a stream broke the framing rules or one of the {@link CapnpLimits}, or its pointers do
 * not form a valid message. This is a <em>stream</em> error for the stream it came from: the stream cannot be
 * resynchronised, so it is closed; other streams of the same connection are unaffected.
 */
public final class CapnpFramingException extends DecoderException {

    private static final long serialVersionUID = 1L;

    public CapnpFramingException(String message) {
        super(message);
    }

    /** A limit was exceeded: names the limit, the value received and the limit. */
    static CapnpFramingException limit(String what, long received, long limit) {
        return new CapnpFramingException(what + " " + received + " exceeds the limit of " + limit);
    }
}
