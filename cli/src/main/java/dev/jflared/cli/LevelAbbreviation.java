package dev.jflared.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** Prints a log level as cloudflared does: {@code DBG}, {@code INF}, {@code WRN}, {@code ERR}. */
public final class LevelAbbreviation extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        Level level = event.getLevel();
        if (level.isGreaterOrEqual(Level.ERROR)) {
            return "ERR";
        }
        if (level.isGreaterOrEqual(Level.WARN)) {
            return "WRN";
        }
        if (level.isGreaterOrEqual(Level.INFO)) {
            return "INF";
        }
        return level.isGreaterOrEqual(Level.DEBUG) ? "DBG" : "TRC";
    }
}
