package dev.jflared.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;

/**
 * Go's duration syntax ({@code time.ParseDuration}), which cloudflared uses for every duration in its config
 * file and on its command line: a sequence of decimal numbers, each with an optional fraction and a unit,
 * with an optional leading sign, such as {@code 300ms}, {@code 1.5h} or {@code 2h45m}. Units are {@code ns},
 * {@code us} (or {@code µs}, {@code μs}), {@code ms}, {@code s}, {@code m} and {@code h}. A lone {@code 0}
 * needs no unit; any other number without a unit is an error, as in Go.
 */
public final class GoDuration {

    private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);

    private GoDuration() {}

    /**
     * Parses {@code text}, negative values included.
     *
     * @throws IllegalArgumentException with Go's message ({@code time: invalid duration "x"}, {@code time:
     *     missing unit in duration "30"}, {@code time: unknown unit "d" in duration "1d"})
     */
    public static Duration parse(String text) {
        String s = text;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw invalid(text);
        }
        BigDecimal total = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                i++;
            }
            int intEnd = i;
            int fracEnd = i;
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                    i++;
                }
                fracEnd = i;
            }
            boolean noDigits = intEnd == start && (fracEnd == intEnd || fracEnd == intEnd + 1);
            if (noDigits) {
                throw invalid(text);
            }
            String number = s.substring(start, fracEnd);
            int unitStart = i;
            while (i < s.length() && s.charAt(i) != '.' && !(Character.isDigit(s.charAt(i)) && s.charAt(i) < 128)) {
                i++;
            }
            if (unitStart == i) {
                throw new IllegalArgumentException("time: missing unit in duration \"" + text + "\"");
            }
            String unit = s.substring(unitStart, i);
            total = total.add(toBigDecimal(number).multiply(BigDecimal.valueOf(nanosPerUnit(unit, text))));
        }
        BigInteger nanos = total.toBigInteger();
        if (nanos.compareTo(MAX_NANOS) > 0) {
            throw invalid(text);
        }
        long value = nanos.longValueExact();
        return Duration.ofNanos(negative ? -value : value);
    }

    /**
     * Parses {@code text} and rejects negative values, for timeouts and periods where they make no sense.
     *
     * @throws IllegalArgumentException naming the text when it is malformed or negative
     */
    public static Duration parseNonNegative(String text) {
        Duration duration = parse(text);
        if (duration.isNegative()) {
            throw new IllegalArgumentException("negative duration \"" + text + "\" is not allowed here");
        }
        return duration;
    }

    /** Formats {@code duration} as Go's {@code Duration.String} does: {@code 1m30s}, {@code 500ms}, {@code 0s}. */
    public static String format(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        if (nanos < 0) {
            out.append('-');
            nanos = -nanos;
        }
        if (nanos < 1_000) {
            return out.append(nanos).append("ns").toString();
        }
        if (nanos < 1_000_000) {
            return out.append(trim(BigDecimal.valueOf(nanos, 3))).append("µs").toString();
        }
        if (nanos < 1_000_000_000) {
            return out.append(trim(BigDecimal.valueOf(nanos, 6))).append("ms").toString();
        }
        long hours = nanos / 3_600_000_000_000L;
        long minutes = nanos / 60_000_000_000L % 60;
        long secondNanos = nanos % 60_000_000_000L;
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        return out.append(trim(BigDecimal.valueOf(secondNanos, 9))).append('s').toString();
    }

    private static String trim(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0).toPlainString() : stripped.toPlainString();
    }

    private static BigDecimal toBigDecimal(String number) {
        String normalized = number.startsWith(".") ? "0" + number : number;
        if (normalized.endsWith(".")) {
            normalized = normalized + "0";
        }
        return new BigDecimal(normalized);
    }

    private static long nanosPerUnit(String unit, String text) {
        switch (unit) {
            case "ns":
                return 1L;
            case "us":
            case "\u00b5s":
            case "\u03bcs":
                return 1_000L;
            case "ms":
                return 1_000_000L;
            case "s":
                return 1_000_000_000L;
            case "m":
                return 60_000_000_000L;
            case "h":
                return 3_600_000_000_000L;
            default:
                throw new IllegalArgumentException("time: unknown unit \"" + unit + "\" in duration \"" + text + "\"");
        }
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("time: invalid duration \"" + text + "\"");
    }
}
