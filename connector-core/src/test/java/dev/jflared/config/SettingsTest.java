package dev.jflared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SettingsTest {

    private static final TunnelConfig FILE = ConfigLoader.parse(Path.of("config.yml"),
            "retries: 3\nha-connections: 2\ngrace-period: 10s\nedge: [a:1]\n");

    @Test
    void commandLineBeatsEnvironmentBeatsFileBeatsDefault() {
        Settings settings = Settings.of(Map.of("retries", "9"),
                Map.of("TUNNEL_RETRIES", "8", "TUNNEL_GRACE_PERIOD", "1m"), FILE);

        assertThat(settings.get(TunnelFlag.RETRIES)).contains(9);
        assertThat(settings.source(TunnelFlag.RETRIES)).isEqualTo(Settings.Source.COMMAND_LINE);
        assertThat(settings.get(TunnelFlag.GRACE_PERIOD)).contains(Duration.ofMinutes(1));
        assertThat(settings.source(TunnelFlag.GRACE_PERIOD)).isEqualTo(Settings.Source.ENVIRONMENT);
        assertThat(settings.get(TunnelFlag.HA_CONNECTIONS)).contains(2);
        assertThat(settings.source(TunnelFlag.HA_CONNECTIONS)).isEqualTo(Settings.Source.CONFIG_FILE);
        assertThat(settings.getOrDefault(TunnelFlag.PROTOCOL)).isEqualTo("auto");
        assertThat(settings.source(TunnelFlag.PROTOCOL)).isEqualTo(Settings.Source.DEFAULT);
        assertThat(settings.isSet(TunnelFlag.PROTOCOL)).isFalse();
        assertThat(settings.source(TunnelFlag.TOKEN)).isEqualTo(Settings.Source.UNSET);
        assertThat(settings.get(TunnelFlag.EDGE)).contains(List.of("a:1"));
    }

    @Test
    void secondEnvironmentVariableIsConsulted() {
        Settings settings = Settings.of(Map.of(), Map.of("TUNNEL_TRANSPORT_LOGLEVEL", "debug"), TunnelConfig.EMPTY);

        assertThat(settings.get(TunnelFlag.TRANSPORT_LOG_LEVEL)).contains("debug");
    }

    @Test
    void textValuesFollowGoRules() {
        Settings settings = Settings.of(Map.of("no-autoupdate", "T", "edge", "a:1, b:2"),
                Map.of("TUNNEL_HELLO_WORLD", "0"), TunnelConfig.EMPTY);

        assertThat(settings.get(TunnelFlag.NO_AUTOUPDATE)).contains(true);
        assertThat(settings.get(TunnelFlag.HELLO_WORLD)).contains(false);
        assertThat(settings.get(TunnelFlag.EDGE)).contains(List.of("a:1", "b:2"));
    }

    @Test
    void badEnvironmentValueNamesTheVariable() {
        Settings settings = Settings.of(Map.of(), Map.of("TUNNEL_RETRIES", "many"), TunnelConfig.EMPTY);

        assertThatThrownBy(() -> settings.get(TunnelFlag.RETRIES)).isInstanceOf(ConfigException.class)
                .hasMessage("$TUNNEL_RETRIES: invalid value \"many\" for int flag retries");
    }

    @Test
    void toStringLeavesValuesOut() {
        Settings settings = Settings.of(Map.of("token", "c2VjcmV0"), Map.of(), TunnelConfig.EMPTY);

        assertThat(settings.toString()).doesNotContain("c2VjcmV0");
    }
}
