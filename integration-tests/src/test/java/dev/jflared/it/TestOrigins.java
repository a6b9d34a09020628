package dev.jflared.it;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.jflared.Tunnel;
import dev.jflared.TunnelBuilder;
import dev.jflared.proxy.BodySink;
import dev.jflared.proxy.InProcessOrigin;
import dev.jflared.proxy.ResponseHead;
import dev.jflared.testkit.LocalEdge;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Small shared fixtures for end-to-end tests: origins, and a tunnel pointed at a {@link LocalEdge}. */
public final class TestOrigins {

    private TestOrigins() {}

    /** A tunnel builder set up for {@code edge}: its credentials, address and CA, one connection, 1 s grace. */
    public static TunnelBuilder tunnelFor(LocalEdge edge) {
        return Tunnel.builder()
                .credentials(edge.credentials())
                .edge(edge.connectorAddresses().toArray(new InetSocketAddress[0]))
                .caCertificate(edge.caFile())
                .haConnections(1)
                .gracePeriod(Duration.ofSeconds(1));
    }

    /** An in-process origin answering {@code 200 text} to everything, without reading the body. */
    public static InProcessOrigin text(String text) {
        return (request, responder) -> {
            request.body().abort(new IllegalStateException("not read"));
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            DefaultHttpHeaders headers = new DefaultHttpHeaders();
            headers.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            headers.set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            BodySink sink = responder.respond(new ResponseHead(200, headers, ResponseHead.Source.ORIGIN));
            sink.write(Unpooled.wrappedBuffer(bytes));
            sink.end(EmptyHttpHeaders.INSTANCE);
        };
    }

    /** A JDK handler answering {@code 200 text}. */
    public static HttpHandler jdkText(String text) {
        return exchange -> {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        };
    }

    /** A JDK {@link HttpServer} on loopback, port 0, serving {@code handler} at {@code /}; stop it when done. */
    public static HttpServer loopbackServer(HttpHandler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", handler);
        server.start();
        return server;
    }
}
