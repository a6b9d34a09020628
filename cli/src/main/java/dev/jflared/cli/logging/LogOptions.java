package dev.jflared.cli.logging;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the CLI logs, as cloudflared's logging flags say it.
 *
 * @param level threshold of application loggers ({@code --loglevel}, default info)
 * @param transportLevel threshold of the transport loggers ({@code --transport-loglevel}, default info), see
 *        {@link LoggingSetup#TRANSPORT_LOGGERS}
 * @param consoleFormat the stderr format ({@code --output}, default {@code default})
 * @param logFile a file that receives JSON lines, appended to ({@code --logfile})
 * @param logDirectory a directory that receives JSON lines in a rolling {@code cloudflared.log}
 *        ({@code --log-directory}); it wins over {@code logFile} when both are set, as in cloudflared
 * @param problems messages about flag values that could not be used, logged at ERROR once logging is set up
 */
public record LogOptions(
        LogLevel level,
        LogLevel transportLevel,
        LogFormat consoleFormat,
        Optional<Path> logFile,
        Optional<Path> logDirectory,
        List<String> problems) {

    public LogOptions {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(transportLevel, "transportLevel");
        Objects.requireNonNull(consoleFormat, "consoleFormat");
        Objects.requireNonNull(logFile, "logFile");
        Objects.requireNonNull(logDirectory, "logDirectory");
        problems = List.copyOf(problems);
    }

    /** INFO for both, cloudflared's console format, no file: what runs when no flag is given. */
    public static LogOptions defaults() {
        return new LogOptions(LogLevel.INFO, LogLevel.INFO, LogFormat.DEFAULT, Optional.empty(), Optional.empty(),
                List.of());
    }

    /** A copy with another application level. */
    public LogOptions withLevel(LogLevel newLevel) {
        return new LogOptions(newLevel, transportLevel, consoleFormat, logFile, logDirectory, problems);
    }

    /** A copy with another transport level. */
    public LogOptions withTransportLevel(LogLevel newLevel) {
        return new LogOptions(level, newLevel, consoleFormat, logFile, logDirectory, problems);
    }

    /** A copy with another console format. */
    public LogOptions withConsoleFormat(LogFormat format) {
        return new LogOptions(level, transportLevel, format, logFile, logDirectory, problems);
    }

    /** A copy that also writes JSON lines to {@code file}. */
    public LogOptions withLogFile(Path file) {
        return new LogOptions(level, transportLevel, consoleFormat, Optional.of(file), logDirectory, problems);
    }

    /** A copy that also writes JSON lines to {@code cloudflared.log} in {@code directory}. */
    public LogOptions withLogDirectory(Path directory) {
        return new LogOptions(level, transportLevel, consoleFormat, logFile, Optional.of(directory), problems);
    }
}
