package dev.jflared.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/** Builds logging events with a fixed time, fields, throwable and markers, for layout golden tests. */
final class TestEvents {

    static final Instant TIME = Instant.parse("2026-01-02T03:04:05.678Z");

    private static final LoggerContext CONTEXT = new LoggerContext();

    private final Level level;
    private final String message;
    private final List<KeyValuePair> fields = new ArrayList<>();
    private Throwable throwable;
    private Marker marker;
    private Map<String, String> mdc = Map.of();

    private TestEvents(Level level, String message) {
        this.level = level;
        this.message = message;
    }

    static TestEvents event(Level level, String message) {
        return new TestEvents(level, message);
    }

    TestEvents field(String key, Object value) {
        fields.add(new KeyValuePair(key, value));
        return this;
    }

    TestEvents cause(Throwable cause) {
        this.throwable = cause;
        return this;
    }

    TestEvents marker(Marker eventMarker) {
        this.marker = eventMarker;
        return this;
    }

    TestEvents mdc(Map<String, String> properties) {
        this.mdc = properties;
        return this;
    }

    LoggingEvent build() {
        Logger logger = CONTEXT.getLogger("dev.jflared.test");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, level, message, throwable, null);
        event.setInstant(TIME);
        event.setMDCPropertyMap(mdc);
        if (!fields.isEmpty()) {
            event.setKeyValuePairs(fields);
        }
        if (marker != null) {
            event.addMarker(marker);
        }
        return event;
    }
}
