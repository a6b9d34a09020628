package dev.jflared.quic;

import dev.jflared.ingress.Ingress;
import dev.jflared.ingress.IngressRule;
import dev.jflared.ingress.OriginRequestConfig;
import dev.jflared.ingress.OriginService;
import dev.jflared.proxy.BodyReceiver;
import dev.jflared.proxy.BodySink;
import dev.jflared.proxy.InProcessOrigin;
import dev.jflared.proxy.OriginProxy;
import dev.jflared.proxy.ResponseHead;
import dev.jflared.proxy.TunnelRequest;
import dev.jflared.proxy.TunnelResponder;
import dev.jflared.rpc.schema.UpdateConfigurationResponse;
import dev.jflared.transport.ConnectionServices;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiConsumer;

/** Origins and services for the transport's tests. */
final class TestOrigins {

    private TestOrigins() {}

    /** A proxy whose only rule sends everything to the in-process {@code origin}. */
    static OriginProxy proxyTo(InProcessOrigin origin) {
        Ingress ingress = new Ingress(List.of(new IngressRule(0, "", Optional.empty(),
                new OriginService.InProcess("test", "test"), OriginRequestConfig.DEFAULTS)));
        return OriginProxy.builder().ingress(() -> ingress).inProcessOrigin("test", origin).build();
    }

    /** A proxy whose only rule is {@code service}. */
    static OriginProxy proxyTo(OriginService service) {
        Ingress ingress = new Ingress(List.of(new IngressRule(0, "", Optional.empty(), service,
                OriginRequestConfig.DEFAULTS)));
        return OriginProxy.builder().ingress(() -> ingress).build();
    }

    /**
     * An origin that reads the whole request body, then calls {@code answer} with the request and its body bytes.
     */
    static InProcessOrigin readingBody(BiConsumer<TunnelRequest, byte[]> seen, Answer answer) {
        return (request, responder) -> {
            request.body().subscribe(new BodyReceiver() {
            private final ByteArrayOutputStream body = new ByteArrayOutputStream();

            @Override
            public void onChunk(ByteBuf chunk) {
                try {
                    byte[] bytes = new byte[chunk.readableBytes()];
                    chunk.readBytes(bytes);
                    body.writeBytes(bytes);
                } finally {
                    chunk.release();
                }
            }

            @Override
            public void onReadComplete() {
                request.body().request();
            }

            @Override
            public void onEnd(HttpHeaders trailers) {
                seen.accept(request, body.toByteArray());
                answer.answer(request, body.toByteArray(), responder);
            }

            @Override
            public void onError(Throwable cause) {
                responder.fail(cause);
            }
            });
            request.body().request();
        };
    }

    /** Writes a complete response: status, headers and body. */
    static void respond(TunnelResponder responder, int status, HttpHeaders headers, byte[] body) {
        BodySink sink = responder.respond(new ResponseHead(status, headers, ResponseHead.Source.ORIGIN));
        if (body.length > 0) {
            sink.write(Unpooled.wrappedBuffer(body));
        }
        sink.end(EmptyHttpHeaders.INSTANCE);
    }

    /** How a reading origin answers. */
    @FunctionalInterface
    interface Answer {
        void answer(TunnelRequest request, byte[] body, TunnelResponder responder);
    }

    /** Services with a given proxy that record configuration pushes. */
    static final class RecordingServices implements ConnectionServices {
        final BlockingQueue<String> pushes = new LinkedBlockingQueue<>();
        private final OriginProxy proxy;
        private final Optional<String> localConfiguration;

        RecordingServices(OriginProxy proxy) {
            this(proxy, Optional.empty());
        }

        RecordingServices(OriginProxy proxy, Optional<String> localConfiguration) {
            this.proxy = proxy;
            this.localConfiguration = localConfiguration;
        }

        @Override
        public OriginProxy proxy() {
            return proxy;
        }

        @Override
        public CompletionStage<UpdateConfigurationResponse> updateConfiguration(int version, String configJson) {
            pushes.add(version + " " + configJson);
            return CompletableFuture.completedFuture(new UpdateConfigurationResponse(version, ""));
        }

        @Override
        public Optional<String> localConfigurationJson() {
            return localConfiguration;
        }
    }
}
