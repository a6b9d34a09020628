package dev.jflared.proxy;

/**
 * An origin served inside this JVM, with no socket: the embedding API's handler behind
 * {@code OriginService.InProcess(name)}. It sees the request exactly as a transport delivered it and answers
 * through the same streaming contract the transports implement.
 *
 * <pre>{@code
 * InProcessOrigin hello = (request, responder) -> {
 *     request.body().abort(new IllegalStateException("not read"));
 *     BodySink sink = responder.respond(new ResponseHead(200, new DefaultHttpHeaders(), ResponseHead.Source.ORIGIN));
 *     sink.write(Unpooled.copiedBuffer("hi", StandardCharsets.UTF_8));
 *     sink.end(EmptyHttpHeaders.INSTANCE);
 * };
 * }</pre>
 *
 * <h2>Contract</h2>
 * {@link #serve} is called on {@code request.eventLoop()} and must not block it. The origin must eventually
 * {@link TunnelResponder#respond respond} (then end or abort the sink) or {@link TunnelResponder#fail fail}, and
 * must read the request body to its end or {@link BodySource#abort abort} it. Use {@link BodyPump} or honour
 * {@link BodySink#isWritable()} to keep memory bounded. An exception thrown from {@code serve} before responding
 * answers 502.
 */
@FunctionalInterface
public interface InProcessOrigin {

    /** Serves one request; see the class doc for what must happen. */
    void serve(TunnelRequest request, TunnelResponder responder);
}
