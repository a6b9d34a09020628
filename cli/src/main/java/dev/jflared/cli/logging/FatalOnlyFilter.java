package dev.jflared.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;

/**
 * Narrows an ERROR threshold to FATAL: denies ERROR events without the {@link LogMarkers#FATAL} marker from the
 * loggers whose flag said {@code fatal}. The logger levels (ERROR) already drop everything below.
 *
 * <p>An appender filter rather than a turbo filter because it sees the event's markers however it was logged
 * (the SLF4J fluent API asks {@code isErrorEnabled()} without a marker first).
 */
final class FatalOnlyFilter extends Filter<ILoggingEvent> {

    private final boolean applicationFatal;
    private final boolean transportFatal;

    FatalOnlyFilter(boolean applicationFatal, boolean transportFatal) {
        this.applicationFatal = applicationFatal;
        this.transportFatal = transportFatal;
    }

    @Override
    public FilterReply decide(ILoggingEvent event) {
        if (!event.getLevel().isGreaterOrEqual(Level.ERROR) || LogFields.isFatal(event)) {
            return FilterReply.NEUTRAL;
        }
        boolean fatalOnly = isTransport(event.getLoggerName()) ? transportFatal : applicationFatal;
        return fatalOnly ? FilterReply.DENY : FilterReply.NEUTRAL;
    }

    static boolean isTransport(String loggerName) {
        List<String> transports = LoggingSetup.TRANSPORT_LOGGERS;
        for (String prefix : transports) {
            if (loggerName.equals(prefix) || loggerName.startsWith(prefix + ".")) {
                return true;
            }
        }
        return false;
    }
}
