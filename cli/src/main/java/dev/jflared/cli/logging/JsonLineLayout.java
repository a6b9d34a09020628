package dev.jflared.cli.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.LayoutBase;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One JSON object per event, with cloudflared's field names: {@code level} ({@code debug}, {@code info},
 * {@code warn}, {@code error}, {@code fatal}), {@code time} (RFC 3339 UTC, seconds), {@code message} (absent when
 * empty) and every field of the event ({@code error} for a throwable).
 *
 * <p>Two orders, as cloudflared writes them:
 * <ul>
 *   <li>{@link #forFiles()}: zerolog's own order, {@code level}, the fields in the order they were added,
 *       {@code time}, {@code message}; strings escaped as zerolog does. Used for {@code --logfile} and
 *       {@code --log-directory}.</li>
 *   <li>{@link #forConsole()}: keys sorted and {@code <>&} escaped, because cloudflared re-encodes console JSON
 *       through a Go map ({@code logger/console.go}). Used for {@code --output json}.</li>
 * </ul>
 */
final class JsonLineLayout extends LayoutBase<ILoggingEvent> {

    private final boolean sortedAndHtmlEscaped;

    private JsonLineLayout(boolean sortedAndHtmlEscaped) {
        this.sortedAndHtmlEscaped = sortedAndHtmlEscaped;
    }

    /** The order and escaping of cloudflared's log files. */
    static JsonLineLayout forFiles() {
        return new JsonLineLayout(false);
    }

    /** The order and escaping of cloudflared's {@code --output json} console. */
    static JsonLineLayout forConsole() {
        return new JsonLineLayout(true);
    }

    @Override
    public String getContentType() {
        return "application/json";
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("level", LogFields.levelName(event));
        for (Map.Entry<String, Object> field : LogFields.of(event).entrySet()) {
            object.putIfAbsent(field.getKey(), field.getValue());
        }
        object.put("time", ConsoleLineLayout.time(event.getInstant()));
        String message = event.getFormattedMessage();
        if (message != null && !message.isEmpty()) {
            object.put("message", message);
        }
        Map<String, Object> ordered = sortedAndHtmlEscaped ? new TreeMap<>(object) : object;

        StringBuilder line = new StringBuilder(160).append('{');
        boolean first = true;
        for (Map.Entry<String, Object> entry : ordered.entrySet()) {
            if (!first) {
                line.append(',');
            }
            first = false;
            GoFormat.jsonString(entry.getKey(), sortedAndHtmlEscaped, line);
            line.append(':');
            appendValue(entry.getValue(), line);
        }
        return line.append('}').append('\n').toString();
    }

    private void appendValue(Object value, StringBuilder line) {
        if (value == null) {
            line.append("null");
        } else if (value instanceof Number number) {
            line.append(GoFormat.number(number));
        } else if (value instanceof Boolean) {
            line.append(value);
        } else {
            GoFormat.jsonString(value.toString(), sortedAndHtmlEscaped, line);
        }
    }
}
