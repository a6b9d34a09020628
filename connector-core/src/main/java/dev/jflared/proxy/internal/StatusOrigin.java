package dev.jflared.proxy.internal;

import dev.jflared.ingress.OriginService;
import dev.jflared.proxy.BodySink;
import dev.jflared.proxy.ResponseHead;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;

/**
 * {@code http_status:NNN}: answers every request with that status, no headers and no body, without contacting
 * anything (cloudflared {@code statusCode.RoundTrip}, which counts as an origin response).
 */
public final class StatusOrigin {

    private StatusOrigin() {}

    /** Answers {@code call} with the service's status. Event-loop only. */
    public static void serve(ProxiedRequest call, OriginService.HttpStatus service) {
        BodyDrain.drain(call.request().body());
        BodySink sink = call.respond(new ResponseHead(service.status(), new DefaultHttpHeaders(),
                ResponseHead.Source.ORIGIN));
        sink.end(EmptyHttpHeaders.INSTANCE);
    }
}
