package dev.jflared.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(10)
class Re2SyntaxTest {

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("*/subpath2", "missing argument to repetition operator: `*`"),
                Arguments.of("a|+", "missing argument to repetition operator: `+`"),
                Arguments.of("(?:*)", "missing argument to repetition operator: `*`"),
                Arguments.of("{2}", "missing argument to repetition operator: `{2}`"),
                Arguments.of("(a)\\1", "invalid escape sequence: `\\1`"),
                Arguments.of("a(?=b)", "invalid or unsupported Perl syntax: `(?=`"),
                Arguments.of("a(?!b)", "invalid or unsupported Perl syntax: `(?!`"),
                Arguments.of("(?>a)", "invalid or unsupported Perl syntax: `(?>`"),
                Arguments.of("(?<=a)b", "invalid named capture: `(?<=a)b`"),
                Arguments.of("(?x)a b", "invalid or unsupported Perl syntax: `(?x`"),
                Arguments.of("a*+", "invalid nested repetition operator: `*+`"),
                Arguments.of("a++", "invalid nested repetition operator: `++`"),
                Arguments.of("a**", "invalid nested repetition operator: `**`"),
                Arguments.of("a{2}{3}", "invalid nested repetition operator: `{2}{3}`"),
                Arguments.of("a\\Z", "invalid escape sequence: `\\Z`"),
                Arguments.of("\\Ga", "invalid escape sequence: `\\G`"),
                Arguments.of("a\\h", "invalid escape sequence: `\\h`"),
                Arguments.of("a{1001}", "invalid repeat count: `{1001}`"),
                Arguments.of("a{3,2}", "invalid repeat count: `{3,2}`"),
                Arguments.of("(abc", "missing closing ): `(abc`"),
                Arguments.of("abc)", "unexpected ): `abc)`"),
                Arguments.of("[a-z", "missing closing ]: `[a-z`"),
                Arguments.of("[z-a]", "invalid character class range: `z-a`"),
                Arguments.of("(?P<na-me>a)", "invalid named capture: `(?P<na-me>`"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void whatRe2RefusesIsRefusedWithGosMessage(String regex, String message) {
        assertThatThrownBy(() -> Re2Syntax.compile(regex))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("error parsing regexp: " + message);
    }

    static Stream<Arguments> meanings() {
        return Stream.of(
                Arguments.of("/static/.*\\.html", "/x/static/a.html", true),
                Arguments.of("^/api$", "/api", true),
                Arguments.of("^/api$", "/api\n", false),
                Arguments.of("(?m)^/api$", "/api\nmore", true),
                Arguments.of("a.c", "a\rc", true),
                Arguments.of("a.c", "a\nc", false),
                Arguments.of("(?s)a.c", "a\nc", true),
                Arguments.of("[[:digit:]]+x", "12x", true),
                Arguments.of("[[:^alpha:]]", "a", false),
                Arguments.of("[a&&b]", "&", true),
                Arguments.of("[[]", "[", true),
                Arguments.of("[]a]", "]", true),
                Arguments.of("[a-]", "-", true),
                Arguments.of("a{,2}", "a{,2}", true),
                Arguments.of("a{", "a{", true),
                Arguments.of("x}", "x}", true),
                Arguments.of("\\101", "A", true),
                Arguments.of("\\x41\\x{42}", "AB", true),
                Arguments.of("a\\vb", "a\u000bb", true),
                Arguments.of("(?P<name_1>a)(?<n2>b)", "ab", true),
                Arguments.of("(?i)straße", "STRASSE", false),
                Arguments.of("(?i)été", "ÉTÉ", true),
                Arguments.of("\\pL+", "é", true),
                Arguments.of("\\p{Greek}", "α", true),
                Arguments.of("\\Q.*\\E", ".*", true),
                Arguments.of("\\Q.*\\E", "ab", false),
                Arguments.of("a(?i)B", "ab", true),
                Arguments.of("(?)x", "x", true),
                Arguments.of("a*?b", "aab", true));
    }

    @ParameterizedTest(name = "{0} finds in {1}: {2}")
    @MethodSource("meanings")
    void expressionKeepsItsRe2Meaning(String regex, String input, boolean found) {
        Pattern pattern = Re2Syntax.compile(regex);

        assertThat(pattern.matcher(input).find()).isEqualTo(found);
    }
}
