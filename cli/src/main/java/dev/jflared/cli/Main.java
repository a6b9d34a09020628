package dev.jflared.cli;

import dev.jflared.cli.logging.LoggingFlags;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code jflared} command line. Its commands, flags and exit codes follow cloudflared's, so that
 * anything that supervises cloudflared can run jflared in its place.
 */
@Command(
        name = "jflared",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = "A pure-Java, cloudflared-compatible Cloudflare Tunnel connector.")
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin(name = LoggingFlags.MIXIN_NAME)
    private LoggingFlags logging;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code, without exiting the JVM (for tests). */
    static int run(String... args) {
        return new CommandLine(new Main())
                .setExecutionStrategy(LoggingFlags.configureLoggingThen(new CommandLine.RunLast()))
                .execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {BuildInfo.load().versionLine()};
        }
    }
}
