package dev.jflared.http2;

import io.netty.handler.codec.http2.Http2Error;
import java.io.IOException;

/** The edge reset a stream (RST_STREAM) before ending it. A stream error: only that request fails. */
final class StreamResetException extends IOException {

    private static final long serialVersionUID = 1L;

    StreamResetException(long errorCode) {
        super("stream reset by the edge: " + describe(errorCode));
    }

    private static String describe(long errorCode) {
        Http2Error error = Http2Error.valueOf(errorCode);
        return error != null ? error.name() : "error code " + errorCode;
    }
}
