package dev.jflared.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jflared.config.ConfigException;
import dev.jflared.config.ConfigLoader;
import dev.jflared.config.Settings;
import dev.jflared.config.TunnelConfig;
import dev.jflared.config.WarpRoutingConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RemoteConfigTest {

    @Test
    void remoteConfigurationIsParsedWithDurationsInSeconds() {
        RemoteConfig config = IngressParser.parseRemoteConfig("{\"ingress\":[{\"hostname\":\"a.example.com\","
                + "\"service\":\"http://localhost:8080\",\"originRequest\":{\"connectTimeout\":15}},"
                + "{\"service\":\"http_status:404\"}],\"originRequest\":{\"tlsTimeout\":3},"
                + "\"warp-routing\":{\"enabled\":true,\"connectTimeout\":7}}");

        assertThat(config.ingress().rules()).hasSize(2);
        assertThat(config.ingress().rules().get(0).originRequest().connectTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.ingress().rules().get(1).originRequest().tlsTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.warpRouting()).isEqualTo(new WarpRoutingConfig(true, Duration.ofSeconds(7),
                Duration.ofSeconds(30)));
    }

    @Test
    void remoteRuleProblemsAreTheSameAsInTheFile() {
        assertThatThrownBy(() -> IngressParser.fromJson("{\"ingress\":[{\"hostname\":\"a.example.com\","
                + "\"service\":\"http://localhost:8080\"}]}"))
                .isInstanceOf(ConfigException.class).hasMessage(IngressParser.LAST_RULE_NOT_CATCH_ALL);
    }

    @Test
    void remoteDurationWrittenAsStringIsRefusedAsCloudflaredDoes() {
        assertThatThrownBy(() -> IngressParser.fromJson("{\"originRequest\":{\"connectTimeout\":\"30s\"},"
                + "\"ingress\":[{\"service\":\"http_status:404\"}]}"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("remote configuration:1:36: originRequest.connectTimeout: expected a whole number of "
                        + "seconds, got \"30s\"");
    }

    @Test
    void malformedJsonIsAConfigException() {
        assertThatThrownBy(() -> IngressParser.fromJson("{\"ingress\": ["))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("remote configuration:1:");
    }

    @Test
    void emptyRemoteIngressAnswers503() {
        Ingress ingress = IngressParser.fromJson("{\"ingress\":[]}");

        assertThat(ingress.rules()).hasSize(1);
        assertThat(ingress.catchAll().service()).isEqualTo(new OriginService.HttpStatus("http_status:503", 503));
    }

    @Test
    void urlFlagGivesOneCatchAllRule() {
        Settings settings = Settings.of(Map.of("url", "localhost:8080", "proxy-connect-timeout", "5s"), Map.of(),
                TunnelConfig.EMPTY);

        Ingress ingress = IngressParser.fromConfigAndFlags(TunnelConfig.EMPTY, settings);

        assertThat(ingress.rules()).hasSize(1);
        assertThat(ingress.catchAll().service().describe()).isEqualTo("http://localhost:8080");
        assertThat(ingress.catchAll().originRequest().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void helloWorldFlagGivesTheHelloWorldOrigin() {
        Settings settings = Settings.of(Map.of(), Map.of("TUNNEL_HELLO_WORLD", "true"), TunnelConfig.EMPTY);

        assertThat(IngressParser.fromConfigAndFlags(TunnelConfig.EMPTY, settings).catchAll().service())
                .isInstanceOf(OriginService.HelloWorld.class);
    }

    @Test
    void noRulesAndNoFlagsAnswer503() {
        Settings settings = Settings.of(Map.of(), Map.of(), TunnelConfig.EMPTY);

        assertThat(IngressParser.fromConfigAndFlags(TunnelConfig.EMPTY, settings).catchAll().service().describe())
                .isEqualTo("http_status:503");
    }

    @Test
    void urlOrHelloWorldWithIngressRulesIsRefused() {
        TunnelConfig config = ConfigLoader.parse(Path.of("c.yml"), "ingress:\n- service: http_status:404\n");

        assertThatThrownBy(() -> IngressParser.fromConfigAndFlags(config,
                Settings.of(Map.of("url", "http://x"), Map.of(), config)))
                .hasMessage(IngressParser.URL_INCOMPATIBLE_WITH_INGRESS);
        assertThatThrownBy(() -> IngressParser.fromConfigAndFlags(config,
                Settings.of(Map.of("hello-world", "true"), Map.of(), config)))
                .hasMessageStartingWith("You can't set the --hello-world flag");
    }
}
