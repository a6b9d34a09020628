package dev.jflared.embed;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import dev.jflared.proxy.BodySink;
import dev.jflared.proxy.ResponseHead;
import dev.jflared.proxy.TunnelRequest;
import dev.jflared.proxy.TunnelResponder;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One tunnel request seen as a JDK {@link HttpExchange}: the request's method, URI, headers (with {@code Host})
 * and body stream, and a response sent with {@link #sendResponseHeaders} and streamed through
 * {@link #getResponseBody()}. Used by one handler on one worker thread; the tunnel side runs on the request's loop.
 *
 * <h2>Response length</h2>
 * As {@code com.sun.net.httpserver}: a length above 0 is sent as {@code Content-Length}; 0 means a body of unknown
 * length (streamed, for example server-sent events); -1 means no body.
 */
final class TunnelHttpExchange extends HttpExchange {

    /** Hop-by-hop or framing headers the transport sets itself (RFC 9110 section 7.6.1). */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "transfer-encoding",
            "upgrade", "proxy-connection", "te", "trailer", "content-length");

    private final TunnelRequest request;
    private final TunnelResponder responder;
    private final EventLoop loop;
    private final Headers requestHeaders = new Headers();
    private final Headers responseHeaders = new Headers();
    private final Map<String, Object> attributes = new HashMap<>();
    private final TunnelHttpContext context;
    private final RequestBodyInputStream body;
    private final ResponseBodyOutputStream response;
    private InputStream in;
    private OutputStream out;
    private int responseCode = -1;
    private boolean closed;

    TunnelHttpExchange(TunnelRequest request, TunnelResponder responder, TunnelHttpContext context, int window) {
        this.request = request;
        this.responder = responder;
        this.loop = request.eventLoop();
        this.context = context;
        if (!request.host().isEmpty()) {
            requestHeaders.add("Host", request.host());
        }
        for (Map.Entry<String, String> header : request.headers()) {
            requestHeaders.add(header.getKey(), header.getValue());
        }
        this.body = new RequestBodyInputStream(request.body(), loop, window);
        this.response = new ResponseBodyOutputStream(loop, window);
        this.in = body;
        this.out = response;
    }

    /** Starts receiving the request body. Event-loop only. */
    void start() {
        body.start();
    }

    /** Drops the request body, unread. */
    void discardBody() {
        body.close();
    }

    @Override
    public Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return URI.create(request.pathAndQuery());
    }

    @Override
    public String getRequestMethod() {
        return request.method();
    }

    @Override
    public HttpContext getHttpContext() {
        return context;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (responseCode < 0) {
                sendResponseHeaders(500, -1);
            }
            out.close();
        } catch (IOException e) {
            // The eyeball went away; nothing is left to tell it.
        } finally {
            body.close();
        }
    }

    /** Ends the exchange after the handler threw: a 500 if nothing was sent yet, else a reset of the body. */
    void failed(Throwable cause) {
        if (responseCode < 0) {
            close();
            return;
        }
        closed = true;
        response.abort(cause);
        body.close();
    }

    @Override
    public InputStream getRequestBody() {
        return in;
    }

    @Override
    public OutputStream getResponseBody() {
        return out;
    }

    @Override
    public void sendResponseHeaders(int rCode, long responseLength) throws IOException {
        if (responseCode >= 0) {
            throw new IOException("headers already sent");
        }
        if (rCode < 100 || rCode > 999) {
            throw new IllegalArgumentException("rCode must be in 100..999: " + rCode);
        }
        responseCode = rCode;
        HttpHeaders headers = new DefaultHttpHeaders();
        for (Map.Entry<String, List<String>> header : responseHeaders.entrySet()) {
            if (!NOT_FORWARDED.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
                headers.add(header.getKey(), header.getValue());
            }
        }
        boolean noBody = responseLength < 0 || rCode == 204 || rCode == 304 || "HEAD".equals(request.method());
        if (responseLength > 0) {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, responseLength);
        } else if (responseLength < 0 && rCode != 204 && rCode != 304) {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, 0);
        }
        ResponseHead head = new ResponseHead(rCode, headers, ResponseHead.Source.ORIGIN);
        loop.execute(() -> {
            BodySink sink = responder.respond(head);
            if (noBody) {
                sink.end(EmptyHttpHeaders.INSTANCE);
            } else {
                response.attach(sink);
            }
        });
        if (noBody) {
            response.abandon();
        }
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        String ip = request.headers().get("Cf-Connecting-Ip");
        return InetSocketAddress.createUnresolved(ip != null ? ip : "0.0.0.0", 0);
    }

    @Override
    public int getResponseCode() {
        return responseCode;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return InetSocketAddress.createUnresolved(request.host().isEmpty() ? "localhost" : request.host(), 0);
    }

    @Override
    public String getProtocol() {
        return "HTTP/1.1";
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (value == null) {
            attributes.remove(name);
        } else {
            attributes.put(name, value);
        }
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        if (i != null) {
            in = i;
        }
        if (o != null) {
            out = o;
        }
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return null;
    }
}
