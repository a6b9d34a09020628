package dev.jflared.proxy;

/**
 * How a response goes back to the edge; each transport implements it over its stream (a QUIC
 * {@code ConnectResponse} then the stream's bytes, or HTTP/2 response headers, DATA and trailers).
 * Event-loop confined to the request's loop.
 *
 * <h2>Lifecycle</h2>
 * Exactly one of {@link #respond} or {@link #fail} is called first. After {@code respond} the body goes to the
 * returned sink, which is ended with trailers or aborted. After {@code respond}, {@code fail} is not called:
 * failures then go to {@link BodySink#abort}.
 */
public interface TunnelResponder {

    /**
     * Sends the status and headers and returns where the body goes. The transport should write them at once
     * (an event stream or a websocket must not wait for body bytes). Transfers nothing.
     */
    BodySink respond(ResponseHead head);

    /**
     * The request could not be served and nothing was sent yet: answer as cloudflared does, {@code 502} with
     * {@code src=cloudflared} and no body (HTTP/2), or a {@code ConnectResponse} whose {@code error} is the cause's
     * message with {@code HttpStatus=502} (QUIC; cloudflared {@code connection/quic_connection.go}).
     * The request body has been aborted already. Transfers nothing.
     */
    void fail(Throwable cause);
}
