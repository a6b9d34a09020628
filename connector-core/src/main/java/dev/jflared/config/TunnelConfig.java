package dev.jflared.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A cloudflared config file, read and type-checked: the keys cloudflared models ({@code tunnel},
 * {@code ingress}, {@code originRequest}, {@code warp-routing}) plus every other top-level key, which is a
 * {@code tunnel} flag set in the file. Load one with {@link ConfigLoader}; combine it with the command line
 * and environment through {@link Settings}.
 *
 * <pre>{@code
 * TunnelConfig config = ConfigLoader.forCurrentUser().load(Optional.of(Path.of("config.yml")));
 * Ingress ingress = IngressParser.parse(config);
 * int ha = Settings.of(Map.of(), System.getenv(), config).getOrDefault(TunnelFlag.HA_CONNECTIONS);
 * }</pre>
 *
 * @param source the file it was read from; empty when no config file was found
 * @param tunnel the {@code tunnel:} value (a tunnel UUID or name), if set
 * @param ingress the {@code ingress:} rules as written, not yet validated
 * @param originRequest the top-level {@code originRequest:} block
 * @param warpRouting the {@code warp-routing:} block with defaults resolved
 * @param settings the typed value of every known flag set in the file, by flag name
 * @param raw every top-level key other than the four above, as written (known flags and unknown keys)
 * @param unusedKeys one line per unknown key inside the structured blocks, which {@code ingress validate}
 *     lists ({@code config.yml:5:5: unknown key ingress[0].servce})
 */
public record TunnelConfig(
        Optional<Path> source,
        Optional<String> tunnel,
        List<UnvalidatedIngressRule> ingress,
        OriginRequestOverrides originRequest,
        WarpRoutingConfig warpRouting,
        Map<String, Object> settings,
        Map<String, ConfigNode> raw,
        List<String> unusedKeys) {

    /** No config file: nothing set. */
    public static final TunnelConfig EMPTY = new TunnelConfig(Optional.empty(), Optional.empty(), List.of(),
            OriginRequestOverrides.NONE, WarpRoutingConfig.DEFAULTS, Map.of(), Map.of(), List.of());

    public TunnelConfig {
        requireNonNull(source, "source");
        requireNonNull(tunnel, "tunnel");
        ingress = List.copyOf(ingress);
        requireNonNull(originRequest, "originRequest");
        requireNonNull(warpRouting, "warpRouting");
        settings = Map.copyOf(settings);
        raw = Map.copyOf(raw);
        unusedKeys = List.copyOf(unusedKeys);
    }

    /** The value of {@code flag} set in this file, if any. */
    public <T> Optional<T> get(TunnelFlag<T> flag) {
        @SuppressWarnings("unchecked")
        T value = (T) settings.get(flag.name());
        return Optional.ofNullable(value);
    }

    /** The file name as cloudflared prints it ({@code Validating rules from ...}); empty without a file. */
    public String sourceName() {
        return source.map(Path::toString).orElse("");
    }
}
