package dev.jflared.cli.logging;

import java.util.Locale;
import java.util.Optional;

/** The console format chosen by {@code --output}: cloudflared's human format, or one JSON object per line. */
public enum LogFormat {
    DEFAULT("default"),
    JSON("json");

    private final String flagValue;

    LogFormat(String flagValue) {
        this.flagValue = flagValue;
    }

    /** The {@code --output} value. */
    public String flagValue() {
        return flagValue;
    }

    /** Parses an {@code --output} value; empty if it is neither {@code default} nor {@code json}. */
    public static Optional<LogFormat> parse(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        for (LogFormat format : values()) {
            if (format.flagValue.equals(wanted)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }
}
