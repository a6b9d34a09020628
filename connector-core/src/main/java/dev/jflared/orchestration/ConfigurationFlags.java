package dev.jflared.orchestration;

import dev.jflared.config.GoDuration;
import dev.jflared.config.Settings;
import dev.jflared.config.TunnelFlag;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code __configuration_flags} of the local configuration: the flags cloudflared 2025.5.0 reports to the edge
 * when they are set ({@code configFlags} in {@code cmd/cloudflared/tunnel/configuration.go}), each as the text
 * cloudflared's {@code c.String(flag)} gives (booleans {@code true}/{@code false}, durations in Go's form).
 */
public final class ConfigurationFlags {

    /** The flags reported, in cloudflared's order. */
    public static final List<TunnelFlag<?>> REPORTED = List.of(
            TunnelFlag.AUTOUPDATE_FREQ, TunnelFlag.NO_AUTOUPDATE, TunnelFlag.RETRIES, TunnelFlag.PROTOCOL,
            TunnelFlag.LOG_LEVEL, TunnelFlag.TRANSPORT_LOG_LEVEL, TunnelFlag.ORIGIN_CERT, TunnelFlag.METRICS,
            TunnelFlag.METRICS_UPDATE_FREQ, TunnelFlag.EDGE_IP_VERSION);

    private ConfigurationFlags() {}

    /** The reported flags that are set (command line, environment or config file) and not empty, by name. */
    public static Map<String, String> from(Settings settings) {
        Map<String, String> flags = new TreeMap<>();
        for (TunnelFlag<?> flag : REPORTED) {
            if (settings.isSet(flag)) {
                text(settings.get(flag)).filter(v -> !v.isEmpty()).ifPresent(v -> flags.put(flag.name(), v));
            }
        }
        return flags;
    }

    private static Optional<String> text(Optional<?> value) {
        return value.map(v -> v instanceof Duration d ? GoDuration.format(d) : String.valueOf(v));
    }
}
