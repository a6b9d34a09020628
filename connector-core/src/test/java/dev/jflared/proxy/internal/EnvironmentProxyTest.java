package dev.jflared.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.Socks5ProxyHandler;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EnvironmentProxyTest {

    private final EnvironmentProxy proxy = new EnvironmentProxy(Map.of(
            "HTTP_PROXY", "http://proxy.internal:3128",
            "https_proxy", "socks5://user:secret@socks.internal",
            "NO_PROXY", "skip.example.com, .corp"));

    @Test
    void plainHttpOriginsUseHttpProxyAndTlsOnesHttpsProxy() {
        assertThat(proxy.handlerFor("app.example.com", false)).containsInstanceOf(HttpProxyHandler.class);
        assertThat(proxy.handlerFor("app.example.com", true)).containsInstanceOf(Socks5ProxyHandler.class);
    }

    @Test
    void loopbackAndNoProxyHostsGoDirect() {
        assertThat(proxy.handlerFor("localhost", false)).isEmpty();
        assertThat(proxy.handlerFor("127.0.0.1", false)).isEmpty();
        assertThat(proxy.handlerFor("::1", true)).isEmpty();
        assertThat(proxy.handlerFor("skip.example.com", false)).isEmpty();
        assertThat(proxy.handlerFor("db.corp", false)).isEmpty();
    }

    @Test
    void noEnvironmentMeansNoProxy() {
        assertThat(new EnvironmentProxy(Map.of()).handlerFor("app.example.com", true)).isEmpty();
    }
}
