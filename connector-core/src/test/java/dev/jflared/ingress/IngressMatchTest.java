package dev.jflared.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.config.ConfigLoader;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Cases from cloudflared's {@code TestFindMatchingRule}, {@code Test_rule_matches} and punycode tests. */
@Timeout(10)
class IngressMatchTest {

    private static final Ingress INGRESS = IngressParser.parse(ConfigLoader.parse(Path.of("config.yml"),
            "ingress:\n"
                    + "- hostname: tunnel-a.example.com\n  service: http://localhost:1\n"
                    + "- hostname: tunnel-b.example.com\n  path: /health\n  service: http://localhost:2\n"
                    + "- hostname: \"*.wild.example.com\"\n  service: http://localhost:3\n"
                    + "- hostname: \"môô.cloudflare.com\"\n  service: http://localhost:4\n"
                    + "- hostname: \"*.static.example.com\"\n  path: /static/.*\\.html\n  service: http://localhost:5\n"
                    + "- hostname: anchored.example.com\n  path: ^/exact$\n  service: http://localhost:6\n"
                    + "- service: http_status:404\n"));

    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of("tunnel-a.example.com", "/", 0),
                Arguments.of("tunnel-a.example.com", "/pages/about", 0),
                Arguments.of("tunnel-a.example.com:443", "/pages/about", 0),
                Arguments.of("TUNNEL-A.Example.COM", "/", 0),
                Arguments.of("tunnel-b.example.com", "/health", 1),
                Arguments.of("tunnel-b.example.com", "/api/health/check", 1),
                Arguments.of("tunnel-b.example.com", "/index.html", 6),
                Arguments.of("tunnel-c.example.com", "/", 6),
                Arguments.of("a.wild.example.com", "/", 2),
                Arguments.of("a.b.wild.example.com:8443", "/", 2),
                Arguments.of("Foo.Wild.Example.com", "/", 2),
                Arguments.of("wild.example.com", "/", 6),
                Arguments.of("xwild.example.com", "/", 6),
                Arguments.of("môô.cloudflare.com", "/", 3),
                Arguments.of("xn--m-xgaa.cloudflare.com", "/", 3),
                Arguments.of("www.static.example.com", "/static/index.html", 4),
                Arguments.of("www.static.example.com", "/static/index.htm", 6),
                Arguments.of("anchored.example.com", "/exact", 5),
                Arguments.of("anchored.example.com", "/exact\n", 6),
                Arguments.of("anchored.example.com", "/exactly", 6),
                Arguments.of("[::1]:443", "/", 6),
                Arguments.of("", "/", 6));
    }

    @ParameterizedTest(name = "{0}{1} -> #{2}")
    @MethodSource("requests")
    void requestSelectsTheFirstMatchingRule(String host, String path, int expected) {
        assertThat(INGRESS.matchIndex(host, path)).isEqualTo(expected);
        assertThat(INGRESS.match(host, path)).isSameAs(INGRESS.rules().get(expected));
    }

    @Test
    void unicodeRuleKnowsItsPunycodeForm() {
        assertThat(INGRESS.rules().get(3).punycodeHostname()).isEqualTo("xn--m-xgaa.cloudflare.com");
        assertThat(INGRESS.rules().get(0).punycodeHostname()).isEmpty();
        assertThat(INGRESS.rules().get(2).punycodeHostname()).isEmpty();
    }

    static Stream<Arguments> hostPorts() {
        return Stream.of(
                Arguments.of("example.com:443", "example.com"),
                Arguments.of("example.com", "example.com"),
                Arguments.of("[::1]:8080", "::1"),
                Arguments.of("[::1]", "[::1]"),
                Arguments.of("::1", "::1"),
                Arguments.of("example.com:", "example.com"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("hostPorts")
    void portIsRemovedAsGoSplitsHostAndPort(String host, String expected) {
        assertThat(IngressMatcher.stripPort(host)).isEqualTo(expected);
    }

    @Test
    void fiveArgumentConstructorDerivesPunycodeAndPathText() {
        IngressRule rule = new IngressRule(0, "bücher.example", java.util.Optional.of(
                java.util.regex.Pattern.compile("/a")), new OriginService.HelloWorld("hello_world"),
                OriginRequestConfig.DEFAULTS);

        assertThat(rule.punycodeHostname()).isEqualTo("xn--bcher-kva.example");
        assertThat(rule.pathExpression()).isEqualTo("/a");
        assertThat(rule.matches("xn--bcher-kva.example", "/a/b")).isTrue();
    }
}
