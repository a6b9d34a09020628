package dev.jflared.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.config.ConfigLoader;
import dev.jflared.ingress.OriginRequestConfig.IpRule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The same configuration as YAML (durations as Go strings) and as remote JSON (durations in seconds) resolves
 * to the same settings: cloudflared's {@code TestOriginRequestConfigOverrides} case.
 */
@Timeout(10)
class OriginRequestMergeTest {

    private static final String YAML = "originRequest:\n  connectTimeout: 1m\n  tlsTimeout: 1s\n"
            + "  noHappyEyeballs: true\n  tcpKeepAlive: 1s\n  keepAliveConnections: 1\n  keepAliveTimeout: 1s\n"
            + "  httpHostHeader: abc\n  originServerName: a1\n  caPool: /tmp/path0\n  noTLSVerify: true\n"
            + "  disableChunkedEncoding: true\n  bastionMode: True\n  proxyAddress: 127.1.2.3\n  proxyPort: 100\n"
            + "  proxyType: socks5\n  ipRules:\n  - prefix: \"10.0.0.0/8\"\n    ports: [80, 8080]\n    allow: false\n"
            + "  - prefix: \"fc00::/7\"\n    ports: [443, 4443]\n    allow: true\n"
            + "ingress:\n- hostname: tun.example.com\n  service: https://localhost:8000\n"
            + "- hostname: \"*\"\n  service: https://localhost:8001\n  originRequest:\n    connectTimeout: 2m\n"
            + "    tlsTimeout: 2s\n    noHappyEyeballs: false\n    tcpKeepAlive: 2s\n    keepAliveConnections: 2\n"
            + "    keepAliveTimeout: 2s\n    httpHostHeader: def\n    originServerName: b2\n    caPool: /tmp/path1\n"
            + "    noTLSVerify: false\n    disableChunkedEncoding: false\n    bastionMode: false\n"
            + "    proxyAddress: interface\n    proxyPort: 200\n    proxyType: \"\"\n    ipRules:\n"
            + "    - prefix: \"10.0.0.0/16\"\n      ports: [3000, 3030]\n      allow: false\n"
            + "    - prefix: \"192.16.0.0/24\"\n      ports: [5000, 5050]\n      allow: true\n";

    private static final String JSON = "{\"originRequest\":{\"connectTimeout\":60,\"tlsTimeout\":1,"
            + "\"noHappyEyeballs\":true,\"tcpKeepAlive\":1,\"keepAliveConnections\":1,\"keepAliveTimeout\":1,"
            + "\"httpHostHeader\":\"abc\",\"originServerName\":\"a1\",\"caPool\":\"/tmp/path0\",\"noTLSVerify\":true,"
            + "\"disableChunkedEncoding\":true,\"bastionMode\":true,\"proxyAddress\":\"127.1.2.3\",\"proxyPort\":100,"
            + "\"proxyType\":\"socks5\",\"ipRules\":[{\"prefix\":\"10.0.0.0/8\",\"ports\":[80,8080],\"allow\":false},"
            + "{\"prefix\":\"fc00::/7\",\"ports\":[443,4443],\"allow\":true}]},"
            + "\"ingress\":[{\"hostname\":\"tun.example.com\",\"service\":\"https://localhost:8000\"},"
            + "{\"hostname\":\"*\",\"service\":\"https://localhost:8001\",\"originRequest\":{\"connectTimeout\":120,"
            + "\"tlsTimeout\":2,\"noHappyEyeballs\":false,\"tcpKeepAlive\":2,\"keepAliveConnections\":2,"
            + "\"keepAliveTimeout\":2,\"httpHostHeader\":\"def\",\"originServerName\":\"b2\",\"caPool\":\"/tmp/path1\","
            + "\"noTLSVerify\":false,\"disableChunkedEncoding\":false,\"bastionMode\":false,"
            + "\"proxyAddress\":\"interface\",\"proxyPort\":200,\"proxyType\":\"\",\"ipRules\":["
            + "{\"prefix\":\"10.0.0.0/16\",\"ports\":[3000,3030],\"allow\":false},"
            + "{\"prefix\":\"192.16.0.0/24\",\"ports\":[5000,5050],\"allow\":true}]}}],"
            + "\"warp-routing\":{\"enabled\":true}}";

    private static final OriginRequestConfig INHERITED = new OriginRequestConfig(Duration.ofMinutes(1),
            Duration.ofSeconds(1), Duration.ofSeconds(1), true, 1, Duration.ofSeconds(1), Optional.of("abc"),
            Optional.of("a1"), false, Optional.of("/tmp/path0"), true, true, true, "127.1.2.3", 100, "socks5",
            List.of(new IpRule("10.0.0.0/8", List.of(80, 8080), false), new IpRule("fc00::/7", List.of(443, 4443),
                    true)), false, Optional.empty());

    private static final OriginRequestConfig OVERRIDDEN = new OriginRequestConfig(Duration.ofMinutes(2),
            Duration.ofSeconds(2), Duration.ofSeconds(2), false, 2, Duration.ofSeconds(2), Optional.of("def"),
            Optional.of("b2"), false, Optional.of("/tmp/path1"), false, false, false, "interface", 200, "",
            List.of(new IpRule("10.0.0.0/16", List.of(3000, 3030), false), new IpRule("192.16.0.0/24",
                    List.of(5000, 5050), true)), false, Optional.empty());

    @Test
    void yamlRulesInheritOrOverrideTheTopLevelBlock() {
        Ingress ingress = IngressParser.parse(ConfigLoader.parse(Path.of("config.yml"), YAML));

        assertThat(ingress.rules().get(0).originRequest()).isEqualTo(INHERITED);
        assertThat(ingress.rules().get(1).originRequest()).isEqualTo(OVERRIDDEN);
    }

    @Test
    void jsonRulesResolveExactlyAsYamlRulesDo() {
        Ingress ingress = IngressParser.fromJson(JSON);

        assertThat(ingress.rules().get(0).originRequest()).isEqualTo(INHERITED);
        assertThat(ingress.rules().get(1).originRequest()).isEqualTo(OVERRIDDEN);
    }

    @Test
    void topLevelBastionModeMakesAUrlRuleABastion() {
        Ingress ingress = IngressParser.parse(ConfigLoader.parse(Path.of("config.yml"), YAML));

        assertThat(ingress.rules().get(0).service()).isEqualTo(new OriginService.Bastion("https://localhost:8000"));
        assertThat(ingress.rules().get(1).service()).isInstanceOf(OriginService.Http.class);
    }
}
