package dev.jflared.ingress;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles a path expression of an ingress rule with the meaning Go's {@code regexp} (RE2 syntax) gives it,
 * on {@link java.util.regex}.
 *
 * <h2>What is refused</h2>
 * What RE2 refuses, with Go's message ({@code error parsing regexp: missing argument to repetition operator:
 * `*`}): backreferences ({@code \1}), lookaround and atomic groups ({@code (?=}, {@code (?!}, {@code (?>},
 * {@code (?<=}), possessive and other stacked quantifiers ({@code a*+}, {@code a**}), escapes RE2 does not
 * know ({@code \Z}, {@code \G}, {@code \h}, {@code \R}, {@code \e}), Java-only flags ({@code (?x)},
 * {@code (?d)}), repeat counts above 1000, and unbalanced parentheses and brackets. jflared also refuses
 * RE2's ungreedy flag {@code (?U)}, which means something else in Java.
 *
 * <h2>What is translated</h2>
 * Syntax both accept but read differently: {@code $} outside multi-line mode is end of text in RE2
 * (Java's also matches before a final newline) and becomes {@code \z}; {@code .} excludes only {@code \n}
 * ({@link Pattern#UNIX_LINES}); {@code \v} is the vertical tab; octal escapes ({@code \012}) become
 * {@code \x{..}}; POSIX classes ({@code [[:alpha:]]}) become Java properties; {@code [}, {@code &} and a
 * literal {@code -} inside a class are escaped; a {@code {} that does not start a repeat is a literal;
 * named groups ({@code (?P<name>}, {@code (?<name>}) become plain groups; {@code \p{Greek}} becomes
 * {@code \p{IsGreek}}. Case folding under {@code (?i)} is Unicode-aware, as in RE2.
 */
final class Re2Syntax {

    private static final Map<String, String> POSIX_CLASSES = Map.ofEntries(
            Map.entry("alnum", "\\p{Alnum}"), Map.entry("alpha", "\\p{Alpha}"), Map.entry("ascii", "\\p{ASCII}"),
            Map.entry("blank", "\\p{Blank}"), Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("digit", "\\p{Digit}"),
            Map.entry("graph", "\\p{Graph}"), Map.entry("lower", "\\p{Lower}"), Map.entry("print", "\\p{Print}"),
            Map.entry("punct", "\\p{Punct}"), Map.entry("space", "\\p{Space}"), Map.entry("upper", "\\p{Upper}"),
            Map.entry("word", "\\w"), Map.entry("xdigit", "\\p{XDigit}"));

    private static final int MAX_REPEAT = 1000;
    private static final Pattern MULTI_LINE_FLAG = Pattern.compile("\\(\\?[a-zA-Z-]*m");

    private final String source;
    private final StringBuilder out = new StringBuilder();
    private final Deque<Integer> groups = new ArrayDeque<>();
    private final boolean multiLine;
    private int pos;
    /** Whether the last item can take a repetition operator. */
    private boolean operand;
    /** Where the last repetition operator started, or -1 when the last item was not a repetition. */
    private int lastRepeat = -1;
    /** The Java spelling of the class character {@link #classChar()} read last. */
    private String lastClassChar;

    private Re2Syntax(String source) {
        this.source = source;
        this.multiLine = MULTI_LINE_FLAG.matcher(source).find();
    }

    /**
     * Compiles {@code regex} with RE2's meaning.
     *
     * @throws IllegalArgumentException with Go's message when RE2 would refuse it
     */
    static Pattern compile(String regex) {
        String java = new Re2Syntax(regex).translate();
        try {
            return Pattern.compile(java, Pattern.UNIX_LINES | Pattern.UNICODE_CASE);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("error parsing regexp: " + e.getDescription() + ": `" + regex + "`", e);
        }
    }

    private String translate() {
        while (pos < source.length()) {
            char c = source.charAt(pos);
            switch (c) {
                case '(':
                    openGroup();
                    break;
                case ')':
                    if (groups.isEmpty()) {
                        throw error("unexpected )", source);
                    }
                    groups.pop();
                    out.append(')');
                    pos++;
                    item();
                    break;
                case '|':
                    out.append('|');
                    pos++;
                    noOperand();
                    break;
                case '*':
                case '+':
                case '?':
                    repeat(pos + 1);
                    break;
                case '{':
                    braceOrLiteral();
                    break;
                case '[':
                    characterClass();
                    break;
                case '\\':
                    escape();
                    break;
                case '$':
                    out.append(multiLine ? "$" : "\\z");
                    pos++;
                    item();
                    break;
                case '^':
                case '.':
                    out.append(c);
                    pos++;
                    item();
                    break;
                case '}':
                case ']':
                    out.append('\\').append(c);
                    pos++;
                    item();
                    break;
                default:
                    out.appendCodePoint(source.codePointAt(pos));
                    pos += Character.charCount(source.codePointAt(pos));
                    item();
            }
        }
        if (!groups.isEmpty()) {
            throw error("missing closing )", source);
        }
        return out.toString();
    }

    private void item() {
        operand = true;
        lastRepeat = -1;
    }

    private void noOperand() {
        operand = false;
        lastRepeat = -1;
    }

    /** A repetition operator from {@code pos} to {@code end} (exclusive), plus an optional lazy {@code ?}. */
    private void repeat(int end) {
        int start = pos;
        if (end < source.length() && source.charAt(end) == '?') {
            end++;
        }
        String op = source.substring(start, end);
        if (lastRepeat >= 0) {
            throw error("invalid nested repetition operator", source.substring(lastRepeat, end));
        }
        if (!operand) {
            throw error("missing argument to repetition operator", op);
        }
        out.append(op);
        pos = end;
        lastRepeat = start;
    }

    private void braceOrLiteral() {
        int close = source.indexOf('}', pos);
        String body = close < 0 ? null : source.substring(pos + 1, close);
        if (body == null || !body.matches("[0-9]+(,[0-9]*)?")) {
            out.append("\\{");
            pos++;
            item();
            return;
        }
        String[] parts = body.split(",", -1);
        long min = parseCount(parts[0]);
        long max = parts.length == 1 ? min : parts[1].isEmpty() ? -1 : parseCount(parts[1]);
        if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max)) {
            throw error("invalid repeat count", source.substring(pos, close + 1));
        }
        repeat(close + 1);
    }

    private static long parseCount(String digits) {
        return digits.length() > 5 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    private void openGroup() {
        if (!source.startsWith("(?", pos)) {
            groups.push(pos);
            out.append('(');
            pos++;
            noOperand();
            return;
        }
        String rest = source.substring(pos);
        boolean python = rest.length() > 4 && rest.charAt(2) == 'P' && rest.charAt(3) == '<';
        if (python || (rest.length() > 3 && rest.charAt(2) == '<')) {
            int end = rest.indexOf('>');
            if (end < 0) {
                throw error("invalid named capture", rest);
            }
            String name = rest.substring(python ? 4 : 3, end);
            if (name.isEmpty() || !name.matches("[0-9A-Za-z_]+")) {
                throw error("invalid named capture", rest.substring(0, end + 1));
            }
            groups.push(pos);
            out.append('(');
            pos += end + 1;
            noOperand();
            return;
        }
        flagGroup(rest);
    }

    private void flagGroup(String rest) {
        boolean negated = false;
        boolean sawFlag = false;
        int i = 2;
        while (i < rest.length()) {
            char c = rest.charAt(i);
            i++;
            switch (c) {
                case 'i':
                case 'm':
                case 's':
                    sawFlag = true;
                    continue;
                case 'U':
                    throw new IllegalArgumentException("error parsing regexp: jflared does not support the "
                            + "ungreedy flag (?U): `" + source + "`");
                case '-':
                    if (negated) {
                        break;
                    }
                    negated = true;
                    sawFlag = false;
                    continue;
                case ':':
                case ')':
                    if (negated && !sawFlag) {
                        break;
                    }
                    // Java refuses an empty "(?)", which RE2 reads as nothing.
                    out.append(i == 3 && c == ')' ? "" : rest.substring(0, i));
                    pos += i;
                    if (c == ':') {
                        groups.push(pos - i);
                        noOperand();
                    } else {
                        // A flag change such as (?i) is not something a repetition can apply to.
                        noOperand();
                    }
                    return;
                default:
                    break;
            }
            break;
        }
        throw error("invalid or unsupported Perl syntax", rest.substring(0, Math.min(i, rest.length())));
    }

    private void escape() {
        if (pos + 1 >= source.length()) {
            throw error("trailing backslash at end of expression", "");
        }
        char c = source.charAt(pos + 1);
        switch (c) {
            case 'A':
            case 'z':
            case 'b':
            case 'B':
            case 'd':
            case 'D':
            case 's':
            case 'S':
            case 'w':
            case 'W':
                out.append('\\').append(c);
                pos += 2;
                item();
                return;
            case 'Q':
                quoted();
                return;
            case 'p':
            case 'P':
                out.append(unicodeClass(c));
                item();
                return;
            default:
                out.append(singleEscape(false));
                item();
        }
    }

    private void quoted() {
        int end = source.indexOf("\\E", pos + 2);
        String literal = end < 0 ? source.substring(pos + 2) : source.substring(pos + 2, end);
        pos = end < 0 ? source.length() : end + 2;
        if (!literal.isEmpty()) {
            out.append(Pattern.quote(literal));
            item();
        }
    }

    /** {@code \p{Name}}, {@code \pL}, {@code \p{^Name}}; {@code pos} is at the backslash. */
    private String unicodeClass(char p) {
        boolean negate = p == 'P';
        if (pos + 2 >= source.length()) {
            throw error("invalid character class range", source.substring(pos));
        }
        String name;
        if (source.charAt(pos + 2) == '{') {
            int close = source.indexOf('}', pos + 2);
            if (close < 0) {
                throw error("invalid character class range", source.substring(pos));
            }
            name = source.substring(pos + 3, close);
            pos = close + 1;
        } else {
            name = source.substring(pos + 2, pos + 3);
            pos += 3;
        }
        if (name.startsWith("^")) {
            negate = !negate;
            name = name.substring(1);
        }
        if (name.equals("Any")) {
            return negate ? "[^\\x{0}-\\x{10FFFF}]" : "[\\x{0}-\\x{10FFFF}]";
        }
        String javaName = name.length() <= 2 ? name : "Is" + name;
        return (negate ? "\\P{" : "\\p{") + javaName + "}";
    }

    /**
     * An escape that stands for one character ({@code \n}, {@code \x41}, {@code \012}, {@code \.}); {@code pos}
     * is at the backslash. Go's {@code parseEscape}.
     */
    private String singleEscape(boolean inClass) {
        char c = source.charAt(pos + 1);
        int start = pos;
        pos += 2;
        switch (c) {
            case '1': case '2': case '3': case '4': case '5': case '6': case '7':
                if (pos >= source.length() || source.charAt(pos) < '0' || source.charAt(pos) > '7') {
                    throw error("invalid escape sequence", source.substring(start, pos));
                }
                return octal(c - '0');
            case '0':
                return octal(0);
            case 'x':
                return hex(start);
            case 'a':
                return "\\x{7}";
            case 'f':
                return "\\f";
            case 'n':
                return "\\n";
            case 'r':
                return "\\r";
            case 't':
                return "\\t";
            case 'v':
                return "\\x{B}";
            default:
                if (c < 128 && !Character.isLetterOrDigit(c)) {
                    return "\\" + c;
                }
                throw error("invalid escape sequence", source.substring(start, Math.min(source.length(),
                        start + 1 + Character.charCount(source.codePointAt(start + 1)))));
        }
    }

    private String octal(int first) {
        int value = first;
        for (int digits = 0; digits < 2 && pos < source.length(); digits++) {
            char d = source.charAt(pos);
            if (d < '0' || d > '7') {
                break;
            }
            value = value * 8 + (d - '0');
            pos++;
        }
        return "\\x{" + Integer.toHexString(value) + "}";
    }

    private String hex(int start) {
        if (pos < source.length() && source.charAt(pos) == '{') {
            int close = source.indexOf('}', pos);
            String digits = close < 0 ? "" : source.substring(pos + 1, close);
            if (digits.isEmpty() || !digits.matches("[0-9A-Fa-f]+") || digits.length() > 8
                    || Long.parseLong(digits, 16) > Character.MAX_CODE_POINT) {
                throw error("invalid escape sequence", source.substring(start, close < 0 ? source.length()
                        : close + 1));
            }
            pos = close + 1;
            return "\\x{" + digits + "}";
        }
        if (pos + 2 > source.length() || !source.substring(pos, pos + 2).matches("[0-9A-Fa-f]{2}")) {
            throw error("invalid escape sequence", source.substring(start, Math.min(source.length(), pos + 2)));
        }
        String digits = source.substring(pos, pos + 2);
        pos += 2;
        return "\\x{" + digits + "}";
    }

    private void characterClass() {
        int start = pos;
        out.append('[');
        pos++;
        if (pos < source.length() && source.charAt(pos) == '^') {
            out.append('^');
            pos++;
        }
        boolean first = true;
        while (pos < source.length() && (source.charAt(pos) != ']' || first)) {
            first = false;
            if (source.startsWith("[:", pos)) {
                int close = source.indexOf(":]", pos + 2);
                if (close >= 0) {
                    String name = source.substring(pos + 2, close);
                    boolean negate = name.startsWith("^");
                    String java = POSIX_CLASSES.get(negate ? name.substring(1) : name);
                    if (java == null) {
                        throw error("invalid character class range", source.substring(pos, close + 2));
                    }
                    out.append(negate ? negateProperty(java) : java);
                    pos = close + 2;
                    continue;
                }
            }
            if (source.charAt(pos) == '\\' && pos + 1 < source.length()
                    && "dDsSwWpP".indexOf(source.charAt(pos + 1)) >= 0) {
                char kind = source.charAt(pos + 1);
                if (kind == 'p' || kind == 'P') {
                    out.append(unicodeClass(kind));
                } else {
                    out.append('\\').append(kind);
                    pos += 2;
                }
                continue;
            }
            int rangeStart = pos;
            int lo = classChar();
            String loText = lastClassChar;
            if (pos + 1 < source.length() && source.charAt(pos) == '-' && source.charAt(pos + 1) != ']') {
                pos++;
                int hi = classChar();
                if (hi < lo) {
                    throw error("invalid character class range", source.substring(rangeStart, pos));
                }
                out.append(loText).append('-').append(lastClassChar);
            } else {
                out.append(loText);
            }
        }
        if (pos >= source.length()) {
            throw error("missing closing ]", source.substring(start));
        }
        out.append(']');
        pos++;
        item();
    }

    /** Reads one character of a class, leaving its Java spelling in {@link #lastClassChar}. */
    private int classChar() {
        char c = source.charAt(pos);
        if (c == '\\') {
            if (pos + 1 >= source.length()) {
                throw error("missing closing ]", source.substring(pos));
            }
            String escaped = singleEscape(true);
            lastClassChar = escaped;
            return valueOf(escaped);
        }
        int cp = source.codePointAt(pos);
        pos += Character.charCount(cp);
        lastClassChar = Character.isLetterOrDigit(cp) || cp > 127 ? new String(Character.toChars(cp)) : "\\" + (char) cp;
        return cp;
    }

    private static int valueOf(String javaEscape) {
        if (javaEscape.startsWith("\\x{")) {
            return Integer.parseInt(javaEscape.substring(3, javaEscape.length() - 1), 16);
        }
        switch (javaEscape) {
            case "\\f":
                return '\f';
            case "\\n":
                return '\n';
            case "\\r":
                return '\r';
            case "\\t":
                return '\t';
            default:
                return javaEscape.charAt(javaEscape.length() - 1);
        }
    }

    private static String negateProperty(String java) {
        if (java.equals("\\w")) {
            return "\\W";
        }
        return "\\P" + java.substring(2);
    }

    private static IllegalArgumentException error(String code, String argument) {
        return new IllegalArgumentException("error parsing regexp: " + code + ": `" + argument + "`");
    }
}
