package dev.jflared.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jflared.config.ConfigException;
import dev.jflared.config.ConfigLoader;
import dev.jflared.config.TunnelConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Cases taken from cloudflared's {@code ingress/ingress_test.go} and {@code validateIngress}. */
@Timeout(10)
class IngressParserTest {

    static Ingress parse(String yaml) {
        TunnelConfig config = ConfigLoader.parse(Path.of("config.yml"), yaml);
        return IngressParser.parse(config);
    }

    static Stream<Arguments> invalidConfigurations() {
        return Stream.of(
                Arguments.of("empty file", "", IngressParser.NO_INGRESS_RULES),
                Arguments.of("empty list", "ingress: []\n", IngressParser.NO_INGRESS_RULES),
                Arguments.of("service with a space in the host",
                        "ingress:\n - hostname: \"*\"\n   service: https://local host:8000\n",
                        "parse \"https://local host:8000\": invalid character \" \" in host name"),
                Arguments.of("last rule is not a catch-all",
                        "ingress:\n - hostname: example.com\n   service: https://localhost:8000\n",
                        IngressParser.LAST_RULE_NOT_CATCH_ALL),
                Arguments.of("first rule is a catch-all",
                        "ingress:\n - service: https://localhost:8000\n - hostname: example.com\n"
                                + "   service: https://localhost:8000\n",
                        "Rule #1 is matching the hostname '', but this will match every hostname, meaning the "
                                + "rules which follow it will never be triggered."),
                Arguments.of("a star rule before the end",
                        "ingress:\n - hostname: \"*\"\n   service: https://localhost:8000\n"
                                + " - service: http_status:404\n",
                        "Rule #1 is matching the hostname '*', but this will match every hostname, meaning the "
                                + "rules which follow it will never be triggered."),
                Arguments.of("catch-all with a path",
                        "ingress:\n - service: https://localhost:8001\n   path: /subpath1/(.*)/subpath2\n",
                        IngressParser.LAST_RULE_NOT_CATCH_ALL),
                Arguments.of("invalid regex",
                        "ingress:\n - hostname: example.com\n   service: https://localhost:8000\n"
                                + "   path: \"*/subpath2\"\n - service: https://localhost:8001\n",
                        "Rule #1 has an invalid regex: error parsing regexp: missing argument to repetition "
                                + "operator: `*`"),
                Arguments.of("service without a scheme", "ingress:\n - service: localhost:8000\n",
                        "localhost:8000 is an invalid address, please make sure it has a scheme and a hostname"),
                Arguments.of("service that is an address", "ingress:\n - service: 127.0.0.1:8000\n",
                        "parse \"127.0.0.1:8000\": first path segment in URL cannot contain colon"),
                Arguments.of("rule without a service", "ingress:\n - hostname: \"*\"\n",
                        " is an invalid address, please make sure it has a scheme and a hostname"),
                Arguments.of("wildcard not at the start",
                        "ingress:\n - hostname: \"test.*.example.com\"\n   service: https://localhost:8000\n",
                        IngressParser.BAD_WILDCARD),
                Arguments.of("two wildcards",
                        "ingress:\n - hostname: \"*.*.example.com\"\n   service: https://localhost:8000\n",
                        IngressParser.BAD_WILDCARD),
                Arguments.of("service with a path", "ingress:\n - service: https://localhost:8000/static/\n",
                        "https://localhost:8000/static/ is an invalid address, ingress rules don't support "
                                + "proxying to a different path on the origin service. The path will be the same "
                                + "as the eyeball request's path"),
                Arguments.of("service with a trailing slash", "ingress:\n - service: http://localhost:8000/\n",
                        "http://localhost:8000/ is an invalid address, ingress rules don't support proxying to a "
                                + "different path on the origin service. The path will be the same as the eyeball "
                                + "request's path"),
                Arguments.of("status that is not a number", "ingress:\n - service: http_status:asdf\n",
                        "invalid HTTP status code: strconv.Atoi: parsing \"asdf\": invalid syntax"),
                Arguments.of("status out of range", "ingress:\n - service: http_status:99\n",
                        "invalid HTTP status code: 99"),
                Arguments.of("status above 999", "ingress:\n - service: http_status:1000\n",
                        "invalid HTTP status code: 1000"),
                Arguments.of("hostname with a port",
                        "ingress:\n - hostname: \"test.example.com:443\"\n   service: https://localhost:8000\n"
                                + " - hostname: \"*\"\n   service: https://localhost:8001\n",
                        IngressParser.HOSTNAME_CONTAINS_PORT),
                Arguments.of("bad port in service", "ingress:\n - service: http://localhost:abc\n",
                        "parse \"http://localhost:abc\": invalid port \":abc\" after host"),
                Arguments.of("socks proxy with a bad cidr",
                        "ingress:\n - hostname: socks.foo.com\n   service: socks-proxy\n   originRequest:\n"
                                + "     ipRules:\n       - prefix: 1.1.1.0/33\n         allow: true\n"
                                + " - service: http_status:404\n",
                        "unable to create ip rule for socks-proxy: unable to parse cidr: 1.1.1.0/33"),
                Arguments.of("access audience without a team",
                        "ingress:\n - service: http://localhost\n   originRequest:\n     access:\n"
                                + "       required: true\n       audTag: [abc]\n",
                        "access.TeamName cannot be blank when access.audTags are present"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidConfigurations")
    void invalidConfigurationIsRefusedWithCloudflaredsMessage(String name, String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    static Stream<Arguments> services() {
        return Stream.of(
                Arguments.of("https://localhost:8000", new OriginService.Http("https://localhost:8000",
                        java.net.URI.create("https://localhost:8000")), "https://localhost:8000"),
                Arguments.of("wss://localhost:8000", new OriginService.Http("wss://localhost:8000",
                        java.net.URI.create("wss://localhost:8000")), "wss://localhost:8000"),
                Arguments.of("unix:/tmp/echo.sock", new OriginService.Unix("unix:/tmp/echo.sock", "/tmp/echo.sock",
                        false), "unix:/tmp/echo.sock"),
                Arguments.of("unix+tls:/tmp/echo.sock", new OriginService.Unix("unix+tls:/tmp/echo.sock",
                        "/tmp/echo.sock", true), "unix+tls:/tmp/echo.sock"),
                Arguments.of("http_status:404", new OriginService.HttpStatus("http_status:404", 404),
                        "http_status:404"),
                Arguments.of("hello_world", new OriginService.HelloWorld("hello_world"), "hello_world"),
                Arguments.of("hello-world", new OriginService.HelloWorld("hello-world"), "hello_world"),
                Arguments.of("bastion", new OriginService.Bastion("bastion"), "bastion"),
                Arguments.of("socks-proxy", new OriginService.SocksProxy("socks-proxy"), "socks-proxy"),
                Arguments.of("tcp://127.0.0.1", new OriginService.Stream("tcp://127.0.0.1", "tcp", "127.0.0.1",
                        7864), "tcp://127.0.0.1:7864"),
                Arguments.of("tcp://localhost:8000", new OriginService.Stream("tcp://localhost:8000", "tcp",
                        "localhost", 8000), "tcp://localhost:8000"),
                Arguments.of("ssh://127.0.0.1", new OriginService.Stream("ssh://127.0.0.1", "ssh", "127.0.0.1", 22),
                        "ssh://127.0.0.1:22"),
                Arguments.of("rdp://127.0.0.1", new OriginService.Stream("rdp://127.0.0.1", "rdp", "127.0.0.1",
                        3389), "rdp://127.0.0.1:3389"),
                Arguments.of("smb://127.0.0.1", new OriginService.Stream("smb://127.0.0.1", "smb", "127.0.0.1", 445),
                        "smb://127.0.0.1:445"),
                Arguments.of("ftp://127.0.0.1", new OriginService.Stream("ftp://127.0.0.1", "ftp", "127.0.0.1", 0),
                        "ftp://127.0.0.1"),
                Arguments.of("ssh://[::1]", new OriginService.Stream("ssh://[::1]", "ssh", "::1", 22),
                        "ssh://[::1]:22"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void everyServiceKindIsParsedAndDescribedAsCloudflaredPrintsIt(String raw, OriginService expected,
            String described) {
        Ingress ingress = parse("ingress:\n - service: \"" + raw + "\"\n");

        OriginService service = ingress.rules().get(0).service();

        assertThat(service).isEqualTo(expected);
        assertThat(service.describe()).isEqualTo(described);
    }

    @Test
    void ruleWithBastionModeNeedsNoService() {
        Ingress ingress = parse("ingress:\n- hostname: bastion.foo.com\n  originRequest:\n    bastionMode: true\n"
                + "- service: http_status:404\n");

        assertThat(ingress.rules().get(0).service()).isInstanceOf(OriginService.Bastion.class);
        assertThat(ingress.rules().get(0).originRequest().bastionMode()).isTrue();
    }

    @Test
    void bastionServiceTurnsBastionModeOn() {
        Ingress ingress = parse("ingress:\n- hostname: bastion.foo.com\n  service: bastion\n"
                + "- service: http_status:404\n");

        assertThat(ingress.rules().get(0).originRequest().bastionMode()).isTrue();
        assertThat(ingress.rules().get(1).originRequest().bastionMode()).isFalse();
    }

    @Test
    void ruleOriginRequestIsMergedOverTheTopLevelOneAndTheDefaults() {
        Ingress ingress = parse("originRequest:\n  connectTimeout: 10s\n  noTLSVerify: true\n"
                + "  httpHostHeader: top.example.com\n"
                + "ingress:\n- hostname: a.example.com\n  service: http://localhost:1\n  originRequest:\n"
                + "    connectTimeout: 1m30s\n    keepAliveConnections: 7\n    ipRules:\n"
                + "      - prefix: 10.0.0.0/8\n        ports: [80, 443]\n        allow: true\n"
                + "    access:\n      required: true\n      teamName: team\n      audTag: [aud1]\n"
                + "- service: http_status:404\n");

        OriginRequestConfig rule = ingress.rules().get(0).originRequest();
        OriginRequestConfig catchAll = ingress.rules().get(1).originRequest();
        assertThat(rule.connectTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(rule.keepAliveConnections()).isEqualTo(7);
        assertThat(rule.noTlsVerify()).isTrue();
        assertThat(rule.httpHostHeader()).contains("top.example.com");
        assertThat(rule.tlsTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(rule.ipRules()).containsExactly(new OriginRequestConfig.IpRule("10.0.0.0/8", List.of(80, 443),
                true));
        assertThat(rule.access()).contains(new OriginRequestConfig.AccessConfig(true, "team", List.of("aud1"), ""));
        assertThat(catchAll.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(catchAll.keepAliveConnections()).isEqualTo(100);
        assertThat(catchAll.access()).isEmpty();
    }

    @Test
    void multiLineStringIsWhatIngressRulePrints() {
        Ingress ingress = parse("ingress:\n- hostname: a.example.com\n  path: ^/api$\n"
                + "  service: http://localhost:8080\n- service: http_status:404\n");

        assertThat(ingress.rules().get(0).multiLineString())
                .isEqualTo("\thostname: a.example.com\n\tpath: ^/api$\n\tservice: http://localhost:8080");
        assertThat(ingress.rules().get(1).multiLineString()).isEqualTo("\tservice: http_status:404");
    }
}
