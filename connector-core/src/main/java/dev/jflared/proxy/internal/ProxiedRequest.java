package dev.jflared.proxy.internal;

import dev.jflared.ingress.IngressRule;
import dev.jflared.proxy.BodySink;
import dev.jflared.proxy.ProxyEvents;
import dev.jflared.proxy.ResponseHead;
import dev.jflared.proxy.TunnelRequest;
import dev.jflared.proxy.TunnelResponder;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request on its way through the proxy: the transport's responder wrapped so that the response is reported
 * to {@link ProxyEvents} once, a failure is logged once with the rule and the cause, and the request is finished
 * exactly once however its response ends. Origins answer through it. Event-loop confined.
 */
public final class ProxiedRequest implements TunnelResponder {

    private static final Logger logger = LoggerFactory.getLogger(ProxiedRequest.class);

    private final TunnelRequest request;
    private final IngressRule rule;
    private final TunnelResponder responder;
    private final ProxyEvents events;
    private boolean answered;
    private boolean finished;

    public ProxiedRequest(TunnelRequest request, IngressRule rule, TunnelResponder responder, ProxyEvents events) {
        this.request = request;
        this.rule = rule;
        this.responder = responder;
        this.events = events;
    }

    public TunnelRequest request() {
        return request;
    }

    /** The matched rule; {@code null} for private-network tcp, which no rule serves. */
    public IngressRule rule() {
        return rule;
    }

    /** Whether a head or a failure has gone back already. */
    public boolean answered() {
        return answered;
    }

    @Override
    public BodySink respond(ResponseHead head) {
        if (answered) {
            throw new IllegalStateException("request " + request.requestId() + " was already answered");
        }
        answered = true;
        events.responded(request, head.status(), head.source());
        return new TrackedSink(responder.respond(head));
    }

    @Override
    public void fail(Throwable cause) {
        if (answered) {
            logger.debug("request {} failed after its response started", request.requestId(), cause);
            finish();
            return;
        }
        answered = true;
        int ruleIndex = rule == null ? -1 : rule.index();
        String service = rule == null ? "private network" : rule.service().raw();
        logger.error("{} requestId={} ingressRule={} originService={}", cause.getMessage(), request.requestId(),
                ruleIndex, service);
        events.originError(request, ruleIndex, cause);
        request.body().abort(cause);
        events.responded(request, 502, ResponseHead.Source.CLOUDFLARED);
        // The accounting ends before the transport hears of the failure, so whoever waits on the transport sees
        // every event of the request.
        finish();
        responder.fail(cause);
    }

    /** Ends the request's accounting; called once the response is over, whichever way. */
    public void finish() {
        if (!finished) {
            finished = true;
            events.requestFinished(request);
        }
    }

    /** The transport's sink, finishing the request when the body ends or breaks. */
    private final class TrackedSink implements BodySink {

        private final BodySink delegate;

        TrackedSink(BodySink delegate) {
            this.delegate = delegate;
        }

        @Override
        public boolean isWritable() {
            return delegate.isWritable();
        }

        @Override
        public void write(ByteBuf chunk) {
            delegate.write(chunk);
        }

        @Override
        public void flush() {
            delegate.flush();
        }

        @Override
        public void end(HttpHeaders trailers) {
            delegate.end(trailers);
            finish();
        }

        @Override
        public void abort(Throwable cause) {
            delegate.abort(cause);
            finish();
        }

        @Override
        public void listener(Listener listener) {
            delegate.listener(new Listener() {
                @Override
                public void onWritable() {
                    listener.onWritable();
                }

                @Override
                public void onClosed(Throwable cause) {
                    finish();
                    listener.onClosed(cause);
                }
            });
        }
    }
}
