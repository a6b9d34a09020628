package dev.jflared.cli.logging;

import ch.qos.logback.classic.Level;
import java.util.Locale;
import java.util.Optional;

/**
 * The levels of {@code --loglevel} and {@code --transport-loglevel}, named and abbreviated as cloudflared's
 * zerolog names them. {@link #FATAL} has no SLF4J level: it is ERROR with the {@link LogMarkers#FATAL} marker.
 */
public enum LogLevel {
    DEBUG("debug", "DBG", Level.DEBUG),
    INFO("info", "INF", Level.INFO),
    WARN("warn", "WRN", Level.WARN),
    ERROR("error", "ERR", Level.ERROR),
    FATAL("fatal", "FTL", Level.ERROR);

    private final String flagValue;
    private final String tag;
    private final Level logbackLevel;

    LogLevel(String flagValue, String tag, Level logbackLevel) {
        this.flagValue = flagValue;
        this.tag = tag;
        this.logbackLevel = logbackLevel;
    }

    /** The flag value and the JSON {@code level} value: {@code debug}, {@code info}, ... */
    public String flagValue() {
        return flagValue;
    }

    /** The three-letter tag of the console format: {@code DBG}, {@code INF}, {@code WRN}, {@code ERR}, {@code FTL}. */
    public String tag() {
        return tag;
    }

    /** The logback level a logger gets for this threshold (ERROR for FATAL, narrowed by a filter). */
    Level logbackLevel() {
        return logbackLevel;
    }

    /** Parses a flag value case-insensitively; empty if it is not one of the five names. */
    public static Optional<LogLevel> parse(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        for (LogLevel level : values()) {
            if (level.flagValue.equals(wanted)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }
}
