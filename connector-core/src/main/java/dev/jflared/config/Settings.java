package dev.jflared.config;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * The value of each {@code tunnel} flag, looked up as cloudflared does: the command line first, then the
 * flag's environment variables, then the config file, then cloudflared's default.
 *
 * <pre>{@code
 * Settings settings = Settings.of(Map.of("ha-connections", "2"), System.getenv(), config);
 * int ha = settings.getOrDefault(TunnelFlag.HA_CONNECTIONS);       // 2, from the command line
 * Optional<String> token = settings.get(TunnelFlag.TOKEN);         // $TUNNEL_TOKEN, or token: in the file
 * }</pre>
 *
 * <p>Values from the command line and the environment are text, converted with Go's rules; a bad one is a
 * {@link ConfigException} naming the flag or variable. Immutable and thread-safe.
 */
public final class Settings {

    /** Where a value came from. */
    public enum Source { COMMAND_LINE, ENVIRONMENT, CONFIG_FILE, DEFAULT, UNSET }

    private final Map<String, String> commandLine;
    private final Map<String, String> environment;
    private final TunnelConfig file;

    private Settings(Map<String, String> commandLine, Map<String, String> environment, TunnelConfig file) {
        this.commandLine = Map.copyOf(commandLine);
        this.environment = Map.copyOf(environment);
        this.file = requireNonNull(file, "file");
    }

    /**
     * @param commandLine the flags given on the command line, by name without dashes, as text
     * @param environment the process environment (or a test's)
     * @param file the config file, or {@link TunnelConfig#EMPTY}
     */
    public static Settings of(Map<String, String> commandLine, Map<String, String> environment, TunnelConfig file) {
        return new Settings(requireNonNull(commandLine, "commandLine"), requireNonNull(environment, "environment"),
                file);
    }

    /** The config file these settings read. */
    public TunnelConfig file() {
        return file;
    }

    /** The value set by the command line, the environment or the config file; the default is not consulted. */
    public <T> Optional<T> get(TunnelFlag<T> flag) {
        String cli = commandLine.get(flag.name());
        if (cli != null) {
            return Optional.of(flag.fromText(cli, "--" + flag.name()));
        }
        for (String variable : flag.envVars()) {
            String value = environment.get(variable);
            if (value != null && !value.isEmpty()) {
                return Optional.of(flag.fromText(value, "$" + variable));
            }
        }
        return file.get(flag);
    }

    /** The value as {@link #get}, else cloudflared's default; a flag without a default must be set. */
    public <T> T getOrDefault(TunnelFlag<T> flag) {
        return get(flag).or(flag::defaultValue).orElseThrow(
                () -> new IllegalStateException(flag + " is not set and has no default; use get()"));
    }

    /** Whether the flag was set anywhere (cloudflared's {@code c.IsSet}). */
    public boolean isSet(TunnelFlag<?> flag) {
        return source(flag) != Source.UNSET && source(flag) != Source.DEFAULT;
    }

    /** Where the value of {@code flag} comes from. */
    public Source source(TunnelFlag<?> flag) {
        if (commandLine.containsKey(flag.name())) {
            return Source.COMMAND_LINE;
        }
        for (String variable : flag.envVars()) {
            String value = environment.get(variable);
            if (value != null && !value.isEmpty()) {
                return Source.ENVIRONMENT;
            }
        }
        if (file.settings().containsKey(flag.name())) {
            return Source.CONFIG_FILE;
        }
        return flag.defaultValue().isPresent() ? Source.DEFAULT : Source.UNSET;
    }

    @Override
    public String toString() {
        // Values are left out: the token and the credentials contents are secrets.
        return "Settings{commandLine=" + commandLine.keySet() + ", config=" + file.sourceName() + "}";
    }
}
