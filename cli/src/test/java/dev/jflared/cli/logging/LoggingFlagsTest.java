package dev.jflared.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Timeout(10)
class LoggingFlagsTest {

    @Command(name = "root", subcommands = Sub.class)
    static final class Root implements Runnable {
        @Mixin(name = LoggingFlags.MIXIN_NAME)
        LoggingFlags logging;

        @Override
        public void run() {}
    }

    @Command(name = "tunnel")
    static final class Sub implements Runnable {
        @Override
        public void run() {}
    }

    @Test
    void noFlagsAndNoEnvironmentMeansDefaults() {
        Root root = parse();

        assertThat(root.logging.toOptions(name -> null)).isEqualTo(LogOptions.defaults());
    }

    @Test
    void flagsAreRead() {
        Root root = parse("--loglevel", "DEBUG", "--proto-loglevel", "warn", "--output", "json",
                "--logfile", "/var/log/jflared.log", "--log-directory", "/var/log/jflared");

        LogOptions options = root.logging.toOptions(name -> null);

        assertThat(options.level()).isEqualTo(LogLevel.DEBUG);
        assertThat(options.transportLevel()).isEqualTo(LogLevel.WARN);
        assertThat(options.consoleFormat()).isEqualTo(LogFormat.JSON);
        assertThat(options.logFile()).hasValue(Path.of("/var/log/jflared.log"));
        assertThat(options.logDirectory()).hasValue(Path.of("/var/log/jflared"));
        assertThat(options.problems()).isEmpty();
    }

    @Test
    void logFormatOutputIsAnotherNameForOutput() {
        Root root = parse("--log-format-output", "json");

        assertThat(root.logging.toOptions(name -> null).consoleFormat()).isEqualTo(LogFormat.JSON);
    }

    @Test
    void flagsAfterTheSubcommandAreInherited() {
        Root root = parse("tunnel", "--loglevel", "error", "--transport-loglevel", "debug");

        LogOptions options = root.logging.toOptions(name -> null);

        assertThat(options.level()).isEqualTo(LogLevel.ERROR);
        assertThat(options.transportLevel()).isEqualTo(LogLevel.DEBUG);
    }

    @Test
    void environmentIsTheFallbackAndFlagsWin() {
        Map<String, String> env = Map.of(
                "TUNNEL_LOGLEVEL", "warn",
                "TUNNEL_PROTO_LOGLEVEL", "error",
                "TUNNEL_TRANSPORT_LOGLEVEL", "debug",
                "TUNNEL_LOG_OUTPUT", "json",
                "TUNNEL_LOGDIRECTORY", "/logs");

        LogOptions fromEnv = parse().logging.toOptions(env::get);
        LogOptions flagWins = parse("--loglevel", "debug").logging.toOptions(env::get);

        assertThat(fromEnv.level()).isEqualTo(LogLevel.WARN);
        assertThat(fromEnv.transportLevel()).isEqualTo(LogLevel.ERROR);
        assertThat(fromEnv.consoleFormat()).isEqualTo(LogFormat.JSON);
        assertThat(fromEnv.logDirectory()).hasValue(Path.of("/logs"));
        assertThat(fromEnv.logFile()).isEmpty();
        assertThat(flagWins.level()).isEqualTo(LogLevel.DEBUG);
    }

    @Test
    void unknownValuesFallBackToDefaultsAndAreReported() {
        LogOptions options = parse("--loglevel", "loud", "--output", "xml").logging.toOptions(name -> null);

        assertThat(options.level()).isEqualTo(LogLevel.INFO);
        assertThat(options.consoleFormat()).isEqualTo(LogFormat.DEFAULT);
        assertThat(options.problems()).containsExactly(
                "Unknown log level \"loud\" for --loglevel (use debug, info, warn, error or fatal); using info",
                "Unknown log format \"xml\" for --output (use default or json); using default");
    }

    @Test
    void theCliBindsSlf4jToLogbackAndConfiguresIt() {
        try {
            int exitCode = dev.jflared.cli.MainAccess.run("--loglevel", "warn", "--version");

            assertThat(exitCode).isZero();
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            assertThat(context.getLogger("dev.jflared.proxy").isInfoEnabled()).isFalse();
            assertThat(context.getLogger("dev.jflared.proxy").isWarnEnabled()).isTrue();
        } finally {
            LoggingSetup.configure(LogOptions.defaults());
        }
    }

    @Test
    void levelsParseCaseInsensitively() {
        assertThat(LogLevel.parse(" Fatal ")).hasValue(LogLevel.FATAL);
        assertThat(LogLevel.parse("trace")).isEqualTo(Optional.empty());
    }

    private static Root parse(String... args) {
        Root root = new Root();
        new CommandLine(root).parseArgs(args);
        return root;
    }
}
