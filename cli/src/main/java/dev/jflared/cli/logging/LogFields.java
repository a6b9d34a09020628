package dev.jflared.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * The fields of one event, in the order zerolog would have written them: MDC entries (like a zerolog context),
 * then {@code error} from the event's throwable, then the SLF4J key-value pairs in call order. Values are kept as
 * {@link Number}, {@link Boolean}, {@code null} or converted to {@link String}; secrets are masked here, once, for
 * every layout.
 */
final class LogFields {

    /** The field name of an error, zerolog's {@code ErrorFieldName}. */
    static final String ERROR = "error";
    /** What a masked value is replaced with. */
    static final String REDACTED = "<redacted>";

    private static final List<String> SECRET_WORDS = List.of("secret", "token", "password", "credential");

    private LogFields() {}

    /** The fields of {@code event}; masked, ordered, keys unique (a later value replaces an earlier one in place). */
    static Map<String, Object> of(ILoggingEvent event) {
        Map<String, Object> fields = new LinkedHashMap<>();
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc != null) {
            mdc.forEach((key, value) -> put(fields, key, value));
        }
        IThrowableProxy throwable = event.getThrowableProxy();
        if (throwable != null) {
            put(fields, ERROR, errorText(throwable));
        }
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                put(fields, pair.key, pair.value);
            }
        }
        return fields.isEmpty() ? Collections.emptyMap() : fields;
    }

    /** The level as our format names it: ERROR with the FATAL marker is {@link LogLevel#FATAL}. */
    static String levelName(ILoggingEvent event) {
        LogLevel level = level(event);
        return level == null ? "trace" : level.flagValue();
    }

    /** The console tag: {@code DBG}, {@code INF}, ... and {@code TRC} for TRACE, which has no flag value. */
    static String levelTag(ILoggingEvent event) {
        LogLevel level = level(event);
        return level == null ? "TRC" : level.tag();
    }

    private static LogLevel level(ILoggingEvent event) {
        return switch (event.getLevel().toInt()) {
            case Level.ERROR_INT -> isFatal(event) ? LogLevel.FATAL : LogLevel.ERROR;
            case Level.WARN_INT -> LogLevel.WARN;
            case Level.INFO_INT -> LogLevel.INFO;
            case Level.DEBUG_INT -> LogLevel.DEBUG;
            default -> null;
        };
    }

    static boolean isFatal(ILoggingEvent event) {
        List<Marker> markers = event.getMarkerList();
        if (markers == null) {
            return false;
        }
        for (Marker marker : markers) {
            if (marker.contains(LogMarkers.FATAL)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The throwable as a Go error prints: its message, then each cause's message not already part of it, joined
     * with {@code ": "} (like {@code fmt.Errorf("...: %w", err)}). A throwable without a message shows its class.
     */
    static String errorText(IThrowableProxy throwable) {
        StringBuilder text = new StringBuilder(messageOf(throwable));
        for (IThrowableProxy cause = throwable.getCause(); cause != null; cause = cause.getCause()) {
            String message = messageOf(cause);
            if (text.indexOf(message) < 0) {
                text.append(": ").append(message);
            }
        }
        return text.toString();
    }

    private static String messageOf(IThrowableProxy throwable) {
        String message = throwable.getMessage();
        if (message == null || message.isEmpty()) {
            String className = throwable.getClassName();
            return className.substring(className.lastIndexOf('.') + 1);
        }
        return message;
    }

    private static void put(Map<String, Object> fields, String key, Object value) {
        if (key == null) {
            return;
        }
        fields.put(key, isSecret(key) ? REDACTED : normalize(value));
    }

    /** Whether a field of this name holds a secret: its name contains secret, token, password or credential. */
    static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }

    private static Object normalize(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Throwable t) {
            return errorText(new ThrowableProxy(t));
        }
        return value.toString();
    }
}
