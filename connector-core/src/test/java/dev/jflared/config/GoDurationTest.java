package dev.jflared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(10)
class GoDurationTest {

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("0", Duration.ZERO),
                Arguments.of("30s", Duration.ofSeconds(30)),
                Arguments.of("1m30s", Duration.ofSeconds(90)),
                Arguments.of("500ms", Duration.ofMillis(500)),
                Arguments.of("2h", Duration.ofHours(2)),
                Arguments.of("1.5h", Duration.ofMinutes(90)),
                Arguments.of(".5s", Duration.ofMillis(500)),
                Arguments.of("5.s", Duration.ofSeconds(5)),
                Arguments.of("300us", Duration.ofNanos(300_000)),
                Arguments.of("300µs", Duration.ofNanos(300_000)),
                Arguments.of("300μs", Duration.ofNanos(300_000)),
                Arguments.of("10ns", Duration.ofNanos(10)),
                Arguments.of("2h45m0.5s", Duration.ofHours(2).plusMinutes(45).plusMillis(500)),
                Arguments.of("+5s", Duration.ofSeconds(5)),
                Arguments.of("-1s", Duration.ofSeconds(-1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void goSyntaxIsParsed(String text, Duration expected) {
        assertThat(GoDuration.parse(text)).isEqualTo(expected);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("", "time: invalid duration \"\""),
                Arguments.of("30", "time: missing unit in duration \"30\""),
                Arguments.of("1d", "time: unknown unit \"d\" in duration \"1d\""),
                Arguments.of("abc", "time: invalid duration \"abc\""),
                Arguments.of("-", "time: invalid duration \"-\""),
                Arguments.of(".s", "time: invalid duration \".s\""),
                Arguments.of("1s 2s", "time: unknown unit \"s \" in duration \"1s 2s\""),
                Arguments.of("3000000h", "time: invalid duration \"3000000h\""));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @MethodSource("invalid")
    void malformedDurationGivesGosMessage(String text, String message) {
        assertThatThrownBy(() -> GoDuration.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void negativeDurationIsRefusedWhereItMakesNoSense() {
        assertThatThrownBy(() -> GoDuration.parseNonNegative("-1s"))
                .hasMessage("negative duration \"-1s\" is not allowed here");
    }

    @Test
    void formatIsGosDurationString() {
        assertThat(GoDuration.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(GoDuration.format(Duration.ofHours(1))).isEqualTo("1h0m0s");
        assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(GoDuration.format(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(GoDuration.format(Duration.ofNanos(1500))).isEqualTo("1.5µs");
    }
}
