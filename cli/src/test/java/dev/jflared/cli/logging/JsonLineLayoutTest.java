package dev.jflared.cli.logging;

import static dev.jflared.cli.logging.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class JsonLineLayoutTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void fileLinesFollowZerologOrder() {
        String line = JsonLineLayout.forFiles().doLayout(event(Level.INFO, "Registered tunnel connection")
                .field("connIndex", 0).field("location", "lhr01").field("protocol", "quic").build());

        assertThat(line).isEqualTo("{\"level\":\"info\",\"connIndex\":0,\"location\":\"lhr01\",\"protocol\":\"quic\","
                + "\"time\":\"2026-01-02T03:04:05Z\",\"message\":\"Registered tunnel connection\"}\n");
    }

    @Test
    void consoleLinesHaveSortedKeysAndEscapeHtml() {
        String line = JsonLineLayout.forConsole().doLayout(event(Level.WARN, "a <b> & c")
                .field("zeta", 1).field("alpha", "x").build());

        assertThat(line).isEqualTo("{\"alpha\":\"x\",\"level\":\"warn\",\"message\":\"a \\u003cb\\u003e \\u0026 c\","
                + "\"time\":\"2026-01-02T03:04:05Z\",\"zeta\":1}\n");
    }

    @Test
    void linesParseAsJsonWithTypedFieldsAndTheError() throws Exception {
        String line = JsonLineLayout.forFiles().doLayout(event(Level.ERROR, "Serve tunnel error")
                .cause(new IllegalStateException("timeout: no recent network activity"))
                .field("connIndex", 2).field("retry", true).field("ratio", 0.25).field("note", "quote \" and \n")
                .field("password", "hunter2").build());

        JsonNode node = JSON.readTree(line);

        assertThat(fieldNames(node)).containsExactly("level", "error", "connIndex", "retry", "ratio", "note",
                "password", "time", "message");
        assertThat(node.get("level").asText()).isEqualTo("error");
        assertThat(node.get("error").asText()).isEqualTo("timeout: no recent network activity");
        assertThat(node.get("connIndex").isInt()).isTrue();
        assertThat(node.get("retry").isBoolean()).isTrue();
        assertThat(node.get("ratio").asDouble()).isEqualTo(0.25);
        assertThat(node.get("note").asText()).isEqualTo("quote \" and \n");
        assertThat(node.get("password").asText()).isEqualTo("<redacted>");
        assertThat(node.get("message").asText()).isEqualTo("Serve tunnel error");
    }

    @Test
    void fatalAndEmptyMessage() throws Exception {
        JsonNode node = JSON.readTree(JsonLineLayout.forFiles().doLayout(
                event(Level.ERROR, "").marker(LogMarkers.FATAL).build()));

        assertThat(node.get("level").asText()).isEqualTo("fatal");
        assertThat(node.has("message")).isFalse();
    }

    @Test
    void goNumberFormatting() {
        assertThat(GoFormat.number(100.0)).isEqualTo("100");
        assertThat(GoFormat.number(1.5e-7)).isEqualTo("1.5e-07");
        assertThat(GoFormat.number(1e21)).isEqualTo("1e+21");
        assertThat(GoFormat.number(Double.NaN)).isEqualTo("\"NaN\"");
        assertThat(GoFormat.number(-3)).isEqualTo("-3");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
