package dev.jflared.cli.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Sets up logback, in code, to log as cloudflared does. The CLI calls {@link #configure(LogOptions)} once its
 * flags are parsed; before that (and in anything that never calls it) {@link DefaultLoggingConfigurator} has
 * already set the defaults: INFO, cloudflared's console format, stderr.
 *
 * <h2>What goes where</h2>
 * <ul>
 *   <li>stderr: every event passing the thresholds, in {@link ConsoleLineLayout} or, with {@code --output json},
 *       {@link JsonLineLayout#forConsole()};</li>
 *   <li>{@code --log-directory DIR}: also {@code DIR/cloudflared.log} as JSON lines, rolled at 1 MB keeping 5
 *       ({@code cloudflared.1.log} ... {@code cloudflared.5.log}; cloudflared's lumberjack names its backups by
 *       time instead);</li>
 *   <li>otherwise {@code --logfile FILE}: also FILE as JSON lines, appended, parent directories created.</li>
 * </ul>
 *
 * <h2>Thresholds</h2>
 * {@code --loglevel} applies to every logger except {@link #TRANSPORT_LOGGERS}, which follow
 * {@code --transport-loglevel}. {@code fatal} keeps only events marked {@link LogMarkers#FATAL}. At
 * {@code --loglevel debug} the console also prints stack traces of logged throwables.
 *
 * <h2>Problems</h2>
 * Unusable flag values ({@link LogOptions#problems()}), a log file that cannot be opened, and both file flags at
 * once are logged at ERROR after setup, and logging goes on with what works, as cloudflared does.
 */
public final class LoggingSetup {

    /** Logger name prefixes that follow {@code --transport-loglevel}: the edge transports, their SPI and Netty. */
    public static final List<String> TRANSPORT_LOGGERS =
            List.of("dev.jflared.quic", "dev.jflared.http2", "dev.jflared.transport", "io.netty");

    /** The file name inside {@code --log-directory}, as cloudflared names it. */
    public static final String LOG_DIRECTORY_FILE = "cloudflared.log";

    private static final String ROLLING_MAX_SIZE = "1MB";
    private static final int ROLLING_BACKUPS = 5;

    private LoggingSetup() {}

    /**
     * Reconfigures the logback context SLF4J is bound to, writing the console to {@link System#err}.
     *
     * @throws IllegalStateException if SLF4J is not bound to logback
     */
    public static void configure(LogOptions options) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            throw new IllegalStateException("SLF4J is bound to " + factory.getClass().getName()
                    + ", but jflared's logging needs logback-classic; remove the other SLF4J provider");
        }
        configure(context, options, stderr());
    }

    /** {@link System#err} as it is now, shielded from being closed by logback. */
    static OutputStream stderr() {
        return new NonClosingOutputStream(System.err);
    }

    /** Reconfigures {@code context}, writing the console to {@code console} (tests pass a buffer). */
    static void configure(LoggerContext context, LogOptions options, OutputStream console) {
        Objects.requireNonNull(options, "options");
        context.reset();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(options.level().logbackLevel());
        for (String transport : TRANSPORT_LOGGERS) {
            context.getLogger(transport).setLevel(options.transportLevel().logbackLevel());
        }
        FatalOnlyFilter fatalOnly = new FatalOnlyFilter(options.level() == LogLevel.FATAL,
                options.transportLevel() == LogLevel.FATAL);
        fatalOnly.start();

        List<String> problems = new ArrayList<>(options.problems());
        Layout<ILoggingEvent> consoleLayout = options.consoleFormat() == LogFormat.JSON
                ? JsonLineLayout.forConsole()
                : new ConsoleLineLayout(options.level() == LogLevel.DEBUG);
        OutputStreamAppender<ILoggingEvent> consoleAppender = new OutputStreamAppender<>();
        consoleAppender.setName("console");
        consoleAppender.setOutputStream(console);
        start(context, root, consoleAppender, consoleLayout, fatalOnly);

        if (options.logDirectory().isPresent()) {
            if (options.logFile().isPresent()) {
                problems.add("Both --logfile and --log-directory are set, but only one can be used: "
                        + "--log-directory takes precedence");
            }
            Path file = options.logDirectory().get().resolve(LOG_DIRECTORY_FILE);
            if (!start(context, root, rollingFileAppender(context, file), JsonLineLayout.forFiles(), fatalOnly)) {
                problems.add("Cannot write the log file " + file + "; logging to the console only");
            }
        } else if (options.logFile().isPresent()) {
            Path file = options.logFile().get();
            FileAppender<ILoggingEvent> appender = new FileAppender<>();
            appender.setName("file");
            appender.setFile(file.toString());
            appender.setAppend(true);
            if (!start(context, root, appender, JsonLineLayout.forFiles(), fatalOnly)) {
                problems.add("Cannot write the log file " + file + "; logging to the console only");
            }
        }

        org.slf4j.Logger setupLogger = context.getLogger("dev.jflared.cli");
        for (String problem : problems) {
            setupLogger.error(problem);
        }
    }

    private static RollingFileAppender<ILoggingEvent> rollingFileAppender(LoggerContext context, Path file) {
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName("rolling-file");
        appender.setFile(file.toString());
        appender.setAppend(true);

        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(appender);
        String name = file.getFileName().toString();
        String base = name.endsWith(".log") ? name.substring(0, name.length() - 4) : name;
        rolling.setFileNamePattern(file.resolveSibling(base + ".%i.log").toString());
        rolling.setMinIndex(1);
        rolling.setMaxIndex(ROLLING_BACKUPS);
        rolling.start();

        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.setMaxFileSize(FileSize.valueOf(ROLLING_MAX_SIZE));
        trigger.start();

        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(trigger);
        return appender;
    }

    /** Starts {@code appender} with {@code layout} and attaches it to {@code root}; false if it did not start. */
    private static boolean start(LoggerContext context, Logger root, OutputStreamAppender<ILoggingEvent> appender,
            Layout<ILoggingEvent> layout, FatalOnlyFilter fatalOnly) {
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setImmediateFlush(true);
        appender.addFilter(fatalOnly);
        appender.start();
        if (!appender.isStarted()) {
            return false;
        }
        root.addAppender(appender);
        return true;
    }

    /** Keeps stderr open when logback stops the console appender (on reconfiguration or shutdown). */
    private static final class NonClosingOutputStream extends FilterOutputStream {
        NonClosingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
