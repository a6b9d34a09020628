package dev.jflared.cli.logging;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * How Go (zerolog and encoding/json) spells values in cloudflared's logs, so our lines read the same: JSON
 * numbers, JSON strings and {@code strconv.Quote}d console values.
 */
final class GoFormat {

    private GoFormat() {}

    /**
     * Whether zerolog's console writer quotes this string: it holds a space, a backslash, a double quote, a control
     * character or anything outside printable ASCII.
     */
    static boolean needsQuote(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e || c == ' ' || c == '\\' || c == '"') {
                return true;
            }
        }
        return false;
    }

    /** Appends {@code value} as Go's {@code strconv.Quote} does: printable text kept, the rest escaped. */
    static void quote(String value, StringBuilder out) {
        out.append('"');
        value.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case 0x07 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 0x0b -> out.append("\\v");
                default -> {
                    if (cp < 0x20 || cp == 0x7f) {
                        out.append(String.format("\\x%02x", cp));
                    } else if (cp < 0x80 || isPrintable(cp)) {
                        out.appendCodePoint(cp);
                    } else if (cp <= 0xffff) {
                        out.append(String.format("\\u%04x", cp));
                    } else {
                        out.append(String.format("\\U%08x", cp));
                    }
                }
            }
        });
        out.append('"');
    }

    /** Go's unicode.IsPrint, closely enough: letters, marks, numbers, punctuation, symbols; no other spaces. */
    private static boolean isPrintable(int cp) {
        switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.UNASSIGNED, Character.PRIVATE_USE,
                    Character.SURROGATE, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR -> {
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    /**
     * Appends {@code value} as a JSON string the way Go encoders write it: {@code "} and {@code \} escaped,
     * {@code \n \r \t} by name, other control characters as {@code \}{@code u00XX}; with {@code escapeHtml},
     * also {@code < > &} and U+2028/U+2029, as encoding/json does.
     */
    static void jsonString(String value, boolean escapeHtml, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    boolean html = escapeHtml && (c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029');
                    if (c < 0x20 || html) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * A number as Go encoders write it: integers in full; floats in the shortest form, with an exponent only
     * below 1e-6 or from 1e21 on; NaN and infinities (which JSON cannot hold) as the strings zerolog uses.
     */
    static String number(Number value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            return value.toString();
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        double d = value.doubleValue();
        if (Double.isNaN(d)) {
            return "\"NaN\"";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "\"+Inf\"" : "\"-Inf\"";
        }
        if (d == 0) {
            return "0";
        }
        BigDecimal decimal = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        double magnitude = Math.abs(d);
        if (magnitude >= 1e-6 && magnitude < 1e21) {
            return decimal.toPlainString();
        }
        String digits = decimal.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - decimal.scale();
        StringBuilder out = new StringBuilder(d < 0 ? "-" : "").append(digits.charAt(0));
        if (digits.length() > 1) {
            out.append('.').append(digits, 1, digits.length());
        }
        int absExponent = Math.abs(exponent);
        out.append('e').append(exponent < 0 ? '-' : '+');
        if (absExponent < 10) {
            out.append('0');
        }
        return out.append(absExponent).toString();
    }
}
