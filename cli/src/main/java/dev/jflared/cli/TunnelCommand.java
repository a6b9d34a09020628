package dev.jflared.cli;

import dev.jflared.config.Settings;
import dev.jflared.config.TunnelConfig;
import dev.jflared.config.TunnelFlag;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code jflared tunnel [--config FILE] [tunnel flags] COMMAND}: the parent of every tunnel command, as in
 * cloudflared ({@code cloudflared tunnel --config x.yml ingress validate}).
 *
 * <p>It accepts every flag of {@link TunnelFlag} (added to the command model at start-up, so a new flag is
 * one constant there) and gives its subcommands the config file and the {@link Settings} lookup: command
 * line, then environment, then config file, then default. New subcommands ({@code run}, {@code ready}, ...)
 * are added to {@code subcommands} and reach these through {@code @ParentCommand}.
 */
@Command(
        name = "tunnel",
        mixinStandardHelpOptions = true,
        subcommands = {IngressCommand.class, RunCommand.class, ReadyCommand.class},
        description = "Use Cloudflare Tunnel to expose private services to the Internet or to Cloudflare "
                + "connected private users.")
final class TunnelCommand implements Callable<Integer> {

    @ParentCommand
    private Main main;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Specifies a config file in YAML format.")
    private Path config;

    @Option(names = "--local-edge",
            description = "tunnel run: run against an in-process loopback edge (no account or credentials needed)")
    private boolean localEdge;

    private TunnelConfig loaded;

    /**
     * Adds an option for each cloudflared tunnel flag; its value reaches {@link #settings()} as text. Flags that an
     * inherited mixin already declares (the logging flags of {@code LoggingFlags}) keep that declaration.
     */
    static void addTunnelFlags(CommandLine.Model.CommandSpec spec) {
        for (TunnelFlag<?> flag : TunnelFlag.all()) {
            if (spec.findOption("--" + flag.name()) != null) {
                continue;
            }
            OptionSpec.Builder option = OptionSpec.builder("--" + flag.name());
            switch (flag.type()) {
                case BOOL:
                    option.type(String.class).arity("0..1").fallbackValue("true").paramLabel("BOOL");
                    break;
                case STRING_LIST:
                    option.type(List.class).auxiliaryTypes(String.class).paramLabel("VALUE");
                    break;
                default:
                    option.type(String.class).paramLabel(flag.type().name());
            }
            spec.addOption(option.description("cloudflared's --" + flag.name()
                    + flag.envVars().stream().map(v -> " $" + v).reduce("", String::concat)).build());
        }
    }

    /** Whether {@code --local-edge} was given before the subcommand ({@code tunnel --local-edge run}). */
    boolean localEdge() {
        return localEdge;
    }

    CliEnvironment environment() {
        return main.environment();
    }

    /** The config file named by {@code --config} or found on the search path; read once. */
    TunnelConfig config() {
        if (loaded == null) {
            loaded = environment().configLoader().load(Optional.ofNullable(config));
        }
        return loaded;
    }

    /**
     * The tunnel flags from the command line, the environment and the config file. A flag given on the command
     * line with a value of the wrong type is a {@link dev.jflared.config.ConfigException} here, as cloudflared
     * refuses it when parsing its flags.
     */
    Settings settings() {
        Map<String, String> given = new LinkedHashMap<>();
        for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
            String name = option.longestName().replaceFirst("^--", "");
            if (name.equals("config") || TunnelFlag.byName(name).isEmpty()) {
                continue;
            }
            Object value = option.getValue();
            given.put(name, value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf)
                    .toArray(String[]::new)) : String.valueOf(value));
        }
        Settings settings = Settings.of(given, environment().env(), config());
        given.keySet().forEach(name -> TunnelFlag.byName(name).ifPresent(settings::get));
        return settings;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}
