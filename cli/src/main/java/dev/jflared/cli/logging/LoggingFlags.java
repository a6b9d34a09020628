package dev.jflared.cli.logging;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * cloudflared's logging flags as a picocli mixin. Mixed into the root command with inherited scope, so they are
 * accepted before or after a subcommand ({@code jflared --loglevel debug tunnel run} and
 * {@code jflared tunnel --loglevel debug run}), as cloudflared accepts them.
 *
 * <table>
 *   <caption>Flags, environment variables and defaults</caption>
 *   <tr><th>flag</th><th>environment</th><th>default</th></tr>
 *   <tr><td>{@code --loglevel}</td><td>TUNNEL_LOGLEVEL</td><td>info</td></tr>
 *   <tr><td>{@code --transport-loglevel}, {@code --proto-loglevel}</td>
 *       <td>TUNNEL_PROTO_LOGLEVEL, TUNNEL_TRANSPORT_LOGLEVEL</td><td>info</td></tr>
 *   <tr><td>{@code --logfile}</td><td>TUNNEL_LOGFILE</td><td>none</td></tr>
 *   <tr><td>{@code --log-directory}</td><td>TUNNEL_LOGDIRECTORY</td><td>none</td></tr>
 *   <tr><td>{@code --output}</td><td>TUNNEL_MANAGEMENT_OUTPUT, TUNNEL_LOG_OUTPUT</td><td>default</td></tr>
 * </table>
 *
 * <p>A flag beats its environment variables, which are read in the order listed. Call
 * {@link #configureLoggingThen} once from the root command's execution strategy.
 */
public final class LoggingFlags {

    /** The name the root command gives this mixin, so the execution strategy can find it. */
    public static final String MIXIN_NAME = "logging";

    @Option(names = "--loglevel", scope = ScopeType.INHERIT, paramLabel = "LEVEL",
            description = "Application logging level {debug, info, warn, error, fatal}. At debug, request URLs, "
                    + "methods and headers are logged, which can expose sensitive information. "
                    + "Default: info. Env: TUNNEL_LOGLEVEL.")
    String logLevel;

    @Option(names = {"--transport-loglevel", "--proto-loglevel"}, scope = ScopeType.INHERIT, paramLabel = "LEVEL",
            description = "Transport (QUIC, HTTP/2, Netty) logging level {debug, info, warn, error, fatal}. "
                    + "Default: info. Env: TUNNEL_PROTO_LOGLEVEL, TUNNEL_TRANSPORT_LOGLEVEL.")
    String transportLogLevel;

    @Option(names = "--logfile", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Also write the log to this file, as JSON lines. Env: TUNNEL_LOGFILE.")
    Path logFile;

    @Option(names = "--log-directory", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Also write the log to cloudflared.log in this directory, as JSON lines, rolled at 1 MB. "
                    + "Env: TUNNEL_LOGDIRECTORY.")
    Path logDirectory;

    // cloudflared 2025.x names this flag --output; later releases call it --log-format-output (logger/configuration.go).
    @Option(names = {"--output", "--log-format-output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT",
            description = "Output format for the console log {default, json}. Default: default. "
                    + "Env: TUNNEL_MANAGEMENT_OUTPUT, TUNNEL_LOG_OUTPUT.")
    String output;

    /** The options these flags (or the process environment) ask for. */
    public LogOptions toOptions() {
        return toOptions(System::getenv);
    }

    /** The options these flags ask for, reading environment variables through {@code environment}. */
    LogOptions toOptions(UnaryOperator<String> environment) {
        List<String> problems = new ArrayList<>();
        LogLevel level = level("--loglevel", pick(logLevel, environment, "TUNNEL_LOGLEVEL"), problems);
        LogLevel transportLevel = level("--transport-loglevel",
                pick(transportLogLevel, environment, "TUNNEL_PROTO_LOGLEVEL", "TUNNEL_TRANSPORT_LOGLEVEL"), problems);
        LogFormat format = LogFormat.DEFAULT;
        Optional<String> outputValue = pick(output, environment, "TUNNEL_MANAGEMENT_OUTPUT", "TUNNEL_LOG_OUTPUT");
        if (outputValue.isPresent()) {
            Optional<LogFormat> parsed = LogFormat.parse(outputValue.get());
            if (parsed.isPresent()) {
                format = parsed.get();
            } else {
                problems.add("Unknown log format \"" + outputValue.get() + "\" for --output (use default or json); "
                        + "using default");
            }
        }
        Optional<Path> file = Optional.ofNullable(logFile)
                .or(() -> pick(null, environment, "TUNNEL_LOGFILE").map(Path::of));
        Optional<Path> directory = Optional.ofNullable(logDirectory)
                .or(() -> pick(null, environment, "TUNNEL_LOGDIRECTORY").map(Path::of));
        return new LogOptions(level, transportLevel, format, file, directory, problems);
    }

    /**
     * An execution strategy that sets up logging from the root command's {@link LoggingFlags} mixin, then runs
     * {@code next}. Logging is set up before any command runs, so even a failing command logs in our format.
     */
    public static CommandLine.IExecutionStrategy configureLoggingThen(CommandLine.IExecutionStrategy next) {
        return parseResult -> {
            CommandLine.Model.CommandSpec mixin = parseResult.commandSpec().mixins().get(MIXIN_NAME);
            if (mixin == null || !(mixin.userObject() instanceof LoggingFlags flags)) {
                throw new IllegalStateException("the root command has no @Mixin(name = \"" + MIXIN_NAME
                        + "\") LoggingFlags");
            }
            LoggingSetup.configure(flags.toOptions());
            return next.execute(parseResult);
        };
    }

    private static LogLevel level(String flag, Optional<String> value, List<String> problems) {
        if (value.isEmpty()) {
            return LogLevel.INFO;
        }
        Optional<LogLevel> parsed = LogLevel.parse(value.get());
        if (parsed.isEmpty()) {
            problems.add("Unknown log level \"" + value.get() + "\" for " + flag
                    + " (use debug, info, warn, error or fatal); using info");
        }
        return parsed.orElse(LogLevel.INFO);
    }

    private static Optional<String> pick(String flagValue, UnaryOperator<String> environment, String... variables) {
        if (flagValue != null) {
            return Optional.of(flagValue);
        }
        for (String variable : variables) {
            String value = environment.apply(variable);
            if (value != null && !value.isEmpty()) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }
}
