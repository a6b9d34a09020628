package dev.jflared.cli;

import static java.util.Objects.requireNonNull;

import dev.jflared.JflaredBuild;
import dev.jflared.cli.logging.LoggingFlags;
import dev.jflared.config.ConfigException;
import dev.jflared.config.CredentialsException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code jflared} command line. Its commands, flags and exit codes follow cloudflared's, so that
 * anything that supervises cloudflared can run jflared in its place.
 *
 * <h2>Exit codes</h2>
 * 0 on success; 1 when a command fails (a bad config file, credentials or ingress rules), after printing
 * the error on standard error as cloudflared does; 2 for a command line picocli cannot parse.
 */
@Command(
        name = "jflared",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        subcommands = {TunnelCommand.class, EdgeCommand.class},
        description = "A pure-Java, cloudflared-compatible Cloudflare Tunnel connector.")
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin(name = LoggingFlags.MIXIN_NAME)
    private LoggingFlags logging;

    private final CliEnvironment environment;

    Main(CliEnvironment environment) {
        this.environment = requireNonNull(environment, "environment");
    }

    public static void main(String[] args) {
        System.exit(run(CliEnvironment.system(), args));
    }

    /** Runs the command line and returns its exit code, without exiting the JVM (for tests). */
    static int run(String... args) {
        return run(CliEnvironment.system(), args);
    }

    /** Runs the command line in {@code environment} and returns its exit code. */
    static int run(CliEnvironment environment, String... args) {
        CommandLine commandLine = new CommandLine(new Main(environment));
        TunnelCommand.addTunnelFlags(commandLine.getSubcommands().get("tunnel").getCommandSpec());
        commandLine.setOut(new PrintWriter(environment.out(), true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(environment.err(), true, StandardCharsets.UTF_8));
        commandLine.setExecutionStrategy(LoggingFlags.configureLoggingThen(new CommandLine.RunLast()));
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            if (exception instanceof ConfigException || exception instanceof CredentialsException
                    || exception instanceof CommandFailedException) {
                cmd.getErr().println(exception.getMessage());
                cmd.getErr().flush();
                return 1;
            }
            throw exception;
        });
        return commandLine.execute(args);
    }

    CliEnvironment environment() {
        return environment;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {JflaredBuild.current().versionLine()};
        }
    }
}
