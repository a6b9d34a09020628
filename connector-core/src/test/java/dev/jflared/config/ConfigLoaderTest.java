package dev.jflared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(10)
class ConfigLoaderTest {

    @TempDir
    Path home;

    private ConfigLoader loader() {
        return new ConfigLoader(home, List.of("~/.cloudflared", "~/.cloudflare-warp", "~/cloudflare-warp",
                home.resolve("etc").toString()));
    }

    private Path write(String relative, String text) throws IOException {
        Path file = home.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    @Test
    void everyTypedKeyIsRead() throws IOException {
        Path file = write("c/config.yml", "tunnel: 6ff42ae2-765d-4adf-8112-31c55c1551ef\n"
                + "credentials-file: /root/.cloudflared/x.json\n"
                + "protocol: quic\nmetrics: localhost:2000\nloglevel: debug\ntransport-loglevel: warn\n"
                + "logfile: /tmp/x.log\ngrace-period: 1m\nretries: 7\nha-connections: 2\n"
                + "edge-ip-version: auto\nregion: us\nno-autoupdate: true\npost-quantum: false\n"
                + "edge: [127.0.0.1:7844, 127.0.0.2:7844]\ncacert: /ca.pem\n"
                + "warp-routing:\n  enabled: true\n  connectTimeout: 2s\n"
                + "originRequest:\n  connectTimeout: 10s\n");

        TunnelConfig config = loader().load(Optional.of(file));

        assertThat(config.source()).contains(file);
        assertThat(config.tunnel()).contains("6ff42ae2-765d-4adf-8112-31c55c1551ef");
        assertThat(config.get(TunnelFlag.CREDENTIALS_FILE)).contains("/root/.cloudflared/x.json");
        assertThat(config.get(TunnelFlag.PROTOCOL)).contains("quic");
        assertThat(config.get(TunnelFlag.GRACE_PERIOD)).contains(Duration.ofMinutes(1));
        assertThat(config.get(TunnelFlag.RETRIES)).contains(7);
        assertThat(config.get(TunnelFlag.HA_CONNECTIONS)).contains(2);
        assertThat(config.get(TunnelFlag.NO_AUTOUPDATE)).contains(true);
        assertThat(config.get(TunnelFlag.EDGE)).contains(List.of("127.0.0.1:7844", "127.0.0.2:7844"));
        assertThat(config.warpRouting()).isEqualTo(new WarpRoutingConfig(true, Duration.ofSeconds(2),
                Duration.ofSeconds(30)));
        assertThat(config.originRequest().connectTimeout()).contains(Duration.ofSeconds(10));
        assertThat(config.raw()).containsKeys("retries", "edge", "cacert");
        assertThat(config.unusedKeys()).isEmpty();
    }

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                Arguments.of("tunnel: x\nha-connections: four\n",
                        ":2:17: ha-connections: expected an integer, got \"four\""),
                Arguments.of("retries: \"5\"\n", ":1:10: retries: expected an integer, got \"5\""),
                Arguments.of("grace-period: 30\n", ":1:15: grace-period: expected a duration such as \"30s\", got 30"),
                Arguments.of("grace-period: 30d\n",
                        ":1:15: grace-period: time: unknown unit \"d\" in duration \"30d\""),
                Arguments.of("no-autoupdate: maybe\n", ":1:16: no-autoupdate: expected a boolean, got \"maybe\""),
                Arguments.of("no-autoupdate: yes\n", ":1:16: no-autoupdate: expected a boolean, got \"yes\""),
                Arguments.of("originRequest:\n  connectTimeout: -1s\n",
                        ":2:19: originRequest.connectTimeout: negative duration \"-1s\" is not allowed here"),
                Arguments.of("originRequest:\n  keepAliveConnections: lots\n",
                        ":2:25: originRequest.keepAliveConnections: expected an integer, got \"lots\""),
                Arguments.of("ingress:\n  - service: http://x\n    originRequest:\n      noTLSVerify: 1\n",
                        ":4:20: ingress[0].originRequest.noTLSVerify: expected a boolean, got 1"),
                Arguments.of("ingress: yes-please\n", ":1:10: ingress: expected a list, got \"yes-please\""),
                Arguments.of("- a\n- b\n", ":1:1: expected a mapping of settings at the top level, got a list"),
                Arguments.of("url: x\nurl: y\n", ":2:1: mapping key \"url\" already defined at line 1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongTypes")
    void wrongTypeNamesFileLineColumnAndKey(String yaml, String message) throws IOException {
        Path file = write("config.yml", yaml);

        assertThatThrownBy(() -> loader().load(Optional.of(file)))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + message);
    }

    @Test
    void scalarsKeepTheirWrittenTextAndStructBooleansAcceptYaml11Spellings() throws IOException {
        Path file = write("config.yml", "ingress:\n  - hostname: on\n    path: 017\n    service: http_status:404\n"
                + "    originRequest:\n      noTLSVerify: yes\n      http2Origin: off\n");

        TunnelConfig config = loader().load(Optional.of(file));

        assertThat(config.ingress().get(0).hostname()).isEqualTo("on");
        assertThat(config.ingress().get(0).path()).isEqualTo("017");
        assertThat(config.ingress().get(0).originRequest().noTlsVerify()).contains(true);
        assertThat(config.ingress().get(0).originRequest().http2Origin()).contains(false);
    }

    @Test
    void yamlSyntaxErrorNamesFileAndLine() throws IOException {
        Path file = write("config.yml", "tunnel: x\ningress:\n  - service: [unclosed\n");

        assertThatThrownBy(() -> loader().load(Optional.of(file)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ":");
    }

    @Test
    void unknownKeysAreWarningsAndLoadingGoesOn() throws IOException {
        Path file = write("config.yml", "extraKey: extraValue\ningress:\n  - servce: http://x\n    service: "
                + "http_status:404\noriginRequest:\n  conectTimeout: 1s\n");

        TunnelConfig config = loader().load(Optional.of(file));

        assertThat(config.raw()).containsKey("extraKey");
        assertThat(config.unusedKeys()).containsExactly(
                file + ":3:13: unknown key ingress[0].servce",
                file + ":6:18: unknown key originRequest.conectTimeout");
        assertThat(config.ingress()).hasSize(1);
    }

    @Test
    void searchPathIsTriedDirectoryByDirectoryYmlBeforeYaml() throws IOException {
        write("cloudflare-warp/config.yml", "loglevel: third\n");
        write(".cloudflare-warp/config.yaml", "loglevel: second\n");
        assertThat(loader().findDefaultConfig()).contains(home.resolve(".cloudflare-warp/config.yaml"));

        write(".cloudflare-warp/config.yml", "loglevel: first\n");
        assertThat(loader().load(Optional.empty()).get(TunnelFlag.LOG_LEVEL)).contains("first");
    }

    @Test
    void fileOutsideTheHomeDirectoryIsFoundLast() throws IOException {
        write("etc/config.yml", "loglevel: etc\n");

        assertThat(loader().findDefaultConfig()).contains(home.resolve("etc/config.yml"));
    }

    @Test
    void noFileMeansAnEmptyConfiguration() {
        assertThat(loader().load(Optional.empty())).isEqualTo(TunnelConfig.EMPTY);
        assertThat(loader().load(Optional.of(home.resolve("missing.yml")))).isEqualTo(TunnelConfig.EMPTY);
    }

    @Test
    void homeIsExpandedInAnExplicitPath() throws IOException {
        write("x/config.yml", "loglevel: tilde\n");

        assertThat(loader().load(Optional.of(Path.of("~/x/config.yml"))).get(TunnelFlag.LOG_LEVEL)).contains("tilde");
    }

    @Test
    void defaultSearchPathIsCloudflareds() {
        assertThat(ConfigLoader.DEFAULT_SEARCH_DIRECTORIES).containsExactly("~/.cloudflared", "~/.cloudflare-warp",
                "~/cloudflare-warp", "/etc/cloudflared", "/usr/local/etc/cloudflared");
        assertThat(ConfigLoader.FILE_NAMES).containsExactly("config.yml", "config.yaml");
    }
}
