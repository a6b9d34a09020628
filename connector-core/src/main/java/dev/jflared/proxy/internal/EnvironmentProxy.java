package dev.jflared.proxy.internal;

import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.proxy.Socks5ProxyHandler;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The outbound proxy for HTTP origins from {@code HTTPS_PROXY}, {@code HTTP_PROXY} and {@code NO_PROXY} (or
 * their lower-case forms), as Go's {@code http.ProxyFromEnvironment} that cloudflared's origin transport uses.
 * As in Go, {@code localhost} and loopback addresses are never proxied. Both {@code http://} proxies (through
 * {@code CONNECT}, where Go would forward plain-http requests in absolute form) and {@code socks5://} ones work.
 */
public final class EnvironmentProxy {

    private final Optional<URI> httpProxy;
    private final Optional<URI> httpsProxy;
    private final List<String> noProxy;

    EnvironmentProxy(Map<String, String> env) {
        this.httpProxy = proxyUri(env, "HTTP_PROXY");
        this.httpsProxy = proxyUri(env, "HTTPS_PROXY");
        String exclusions = value(env, "NO_PROXY");
        this.noProxy = exclusions == null ? List.of()
                : Arrays.stream(exclusions.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    /** Reads this process's environment. */
    public static EnvironmentProxy fromEnvironment() {
        return new EnvironmentProxy(System.getenv());
    }

    /** The proxy handler to use for {@code host} over TLS or not, if any. */
    Optional<ProxyHandler> handlerFor(String host, boolean tls) {
        Optional<URI> proxy = tls ? httpsProxy : httpProxy;
        if (proxy.isEmpty() || excluded(host.toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        URI uri = proxy.get();
        boolean socks = uri.getScheme() != null && uri.getScheme().startsWith("socks5");
        int port = uri.getPort() > 0 ? uri.getPort() : socks ? 1080 : 80;
        InetSocketAddress address = InetSocketAddress.createUnresolved(uri.getHost(), port);
        String[] userInfo = uri.getUserInfo() == null ? null : uri.getUserInfo().split(":", 2);
        if (socks) {
            return Optional.of(userInfo == null ? new Socks5ProxyHandler(address)
                    : new Socks5ProxyHandler(address, userInfo[0], userInfo.length > 1 ? userInfo[1] : ""));
        }
        return Optional.of(userInfo == null ? new HttpProxyHandler(address)
                : new HttpProxyHandler(address, userInfo[0], userInfo.length > 1 ? userInfo[1] : ""));
    }

    private boolean excluded(String host) {
        if (host.equals("localhost") || host.endsWith(".localhost") || isLoopback(host)) {
            return true;
        }
        for (String entry : noProxy) {
            if (entry.equals("*") || entry.equals(host)) {
                return true;
            }
            String suffix = entry.startsWith(".") ? entry : "." + entry;
            if (host.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLoopback(String host) {
        byte[] address = NetUtil.createByteArrayFromIpAddressString(host);
        if (address == null) {
            return false;
        }
        if (address.length == 4) {
            return address[0] == 127;
        }
        for (int i = 0; i < 15; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[15] == 1;
    }

    private static Optional<URI> proxyUri(Map<String, String> env, String name) {
        String raw = value(env, name);
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(URI.create(raw.contains("://") ? raw : "http://" + raw));
    }

    private static String value(Map<String, String> env, String name) {
        String upper = env.get(name);
        return upper != null ? upper : env.get(name.toLowerCase(Locale.ROOT));
    }
}
