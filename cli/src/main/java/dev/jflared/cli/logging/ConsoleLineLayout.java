package dev.jflared.cli.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * cloudflared's console line (zerolog's {@code ConsoleWriter} without colour):
 *
 * <pre>
 * 2026-01-02T03:04:05Z INF Registered tunnel connection connIndex=0 connection=6f1c... event=0 ip=198.41.200.13
 *     location=lhr01 protocol=quic    (one line, wrapped here)
 * 2026-01-02T03:04:06Z ERR Failed to serve tunnel connection error="dial udp 198.41.200.13:7844: timeout" connIndex=1
 * </pre>
 *
 * <ul>
 *   <li>time in UTC to the second; the level tag {@code DBG INF WRN ERR FTL}; the message (left out when
 *       empty);</li>
 *   <li>fields as {@code key=value}, sorted by key, except {@code error}, which comes first;</li>
 *   <li>a string value is quoted as Go's {@code strconv.Quote} when it holds a space, quote, backslash, control
 *       or non-ASCII character; numbers and booleans print as JSON does; {@code null} as {@code null}.</li>
 * </ul>
 *
 * <p>zerolog prints no stack traces. We print the throwable's stack trace after the line only when
 * {@code stackTraces} is on, which {@link LoggingSetup} does at {@code --loglevel debug}.
 */
final class ConsoleLineLayout extends LayoutBase<ILoggingEvent> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_INSTANT;

    private final boolean stackTraces;

    ConsoleLineLayout(boolean stackTraces) {
        this.stackTraces = stackTraces;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        line.append(time(event.getInstant())).append(' ').append(LogFields.levelTag(event));
        String message = event.getFormattedMessage();
        if (message != null && !message.isEmpty()) {
            line.append(' ').append(message);
        }
        appendFields(LogFields.of(event), line);
        line.append('\n');
        IThrowableProxy throwable = event.getThrowableProxy();
        if (stackTraces && throwable != null) {
            line.append(ThrowableProxyUtil.asString(throwable)).append('\n');
        }
        return line.toString();
    }

    static String time(Instant instant) {
        return TIME.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    private static void appendFields(Map<String, Object> fields, StringBuilder line) {
        if (fields.isEmpty()) {
            return;
        }
        List<String> keys = new ArrayList<>(fields.keySet());
        keys.sort(null);
        if (keys.remove(LogFields.ERROR)) {
            keys.add(0, LogFields.ERROR);
        }
        for (String key : keys) {
            line.append(' ').append(key).append('=');
            appendValue(fields.get(key), line);
        }
    }

    private static void appendValue(Object value, StringBuilder line) {
        if (value == null) {
            line.append("null");
        } else if (value instanceof Number number) {
            line.append(GoFormat.number(number));
        } else if (value instanceof Boolean) {
            line.append(value);
        } else {
            String text = value.toString();
            if (GoFormat.needsQuote(text)) {
                GoFormat.quote(text, line);
            } else {
                line.append(text);
            }
        }
    }
}
