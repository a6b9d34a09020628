package dev.jflared.embed;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The context every exchange of a {@link JdkHttpHandlerOrigin} reports: path {@code /}, the origin's handler, and
 * no {@link HttpServer} (there is none: requests come through the tunnel).
 */
final class TunnelHttpContext extends HttpContext {

    private volatile HttpHandler handler;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final List<Filter> filters = new ArrayList<>();
    private volatile Authenticator authenticator;

    TunnelHttpContext(HttpHandler handler) {
        this.handler = handler;
    }

    @Override
    public HttpHandler getHandler() {
        return handler;
    }

    @Override
    public void setHandler(HttpHandler handler) {
        this.handler = handler;
    }

    @Override
    public String getPath() {
        return "/";
    }

    @Override
    public HttpServer getServer() {
        return null;
    }

    @Override
    public Map<String, Object> getAttributes() {
        return attributes;
    }

    @Override
    public List<Filter> getFilters() {
        return filters;
    }

    @Override
    public Authenticator setAuthenticator(Authenticator auth) {
        Authenticator old = authenticator;
        authenticator = auth;
        return old;
    }

    @Override
    public Authenticator getAuthenticator() {
        return authenticator;
    }
}
