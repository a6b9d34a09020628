package dev.jflared.cli.logging;

import static dev.jflared.cli.logging.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ConsoleLineLayoutTest {

    private final ConsoleLineLayout layout = new ConsoleLineLayout(false);

    @Test
    void registeredConnectionLineMatchesCloudflared() {
        UUID connection = UUID.fromString("6f1c3f6e-8e36-4a48-9d4f-1f3c2a6b7d10");

        String line = layout.doLayout(event(Level.INFO, "Registered tunnel connection")
                .field("connIndex", 0)
                .field("connection", connection)
                .field("event", 0)
                .field("ip", "198.41.200.13")
                .field("location", "lhr01")
                .field("protocol", "quic")
                .build());

        assertThat(line).isEqualTo("2026-01-02T03:04:05Z INF Registered tunnel connection connIndex=0 "
                + "connection=6f1c3f6e-8e36-4a48-9d4f-1f3c2a6b7d10 event=0 ip=198.41.200.13 location=lhr01 "
                + "protocol=quic\n");
    }

    @Test
    void fieldsAreSortedByName() {
        String line = layout.doLayout(event(Level.WARN, "Connection terminated")
                .field("zeta", "z").field("alpha", "a").field("connIndex", 3).build());

        assertThat(line).isEqualTo("2026-01-02T03:04:05Z WRN Connection terminated alpha=a connIndex=3 zeta=z\n");
    }

    @Test
    void errorComesFirstAndIsQuotedWithItsCauses() {
        IOException cause = new IOException("connection refused");
        IllegalStateException error = new IllegalStateException("dial tcp 127.0.0.1:8080", cause);

        String line = layout.doLayout(event(Level.ERROR, "Unable to reach the origin service")
                .cause(error).field("connIndex", 1).field("originService", "http://localhost:8080").build());

        assertThat(line).isEqualTo("2026-01-02T03:04:05Z ERR Unable to reach the origin service "
                + "error=\"dial tcp 127.0.0.1:8080: connection refused\" connIndex=1 "
                + "originService=http://localhost:8080\n");
    }

    @Test
    void errorWithoutSpacesStaysUnquotedAndMessagelessErrorsShowTheirClass() {
        String line = layout.doLayout(event(Level.ERROR, "failed").cause(new NullPointerException()).build());

        assertThat(line).isEqualTo("2026-01-02T03:04:05Z ERR failed error=NullPointerException\n");
    }

    @Test
    void debugAndFatalHaveTheirTags() {
        String debug = layout.doLayout(event(Level.DEBUG, "detail").build());
        String fatal = layout.doLayout(event(Level.ERROR, "Couldn't start tunnel").marker(LogMarkers.FATAL).build());

        assertThat(debug).isEqualTo("2026-01-02T03:04:05Z DBG detail\n");
        assertThat(fatal).isEqualTo("2026-01-02T03:04:05Z FTL Couldn't start tunnel\n");
    }

    @Test
    void valuesAreQuotedLikeGoWhenTheyNeedIt() {
        String line = layout.doLayout(event(Level.INFO, "values")
                .field("a", "two words")
                .field("b", "say \"hi\"\\")
                .field("c", "tab\there\nnewline")
                .field("d", "naïve")
                .field("e", "")
                .field("f", true)
                .field("g", 2.5)
                .field("h", null)
                .field("i", 1234567890123L)
                .build());

        assertThat(line).isEqualTo("2026-01-02T03:04:05Z INF values a=\"two words\" b=\"say \\\"hi\\\"\\\\\" "
                + "c=\"tab\\there\\nnewline\" d=\"naïve\" e= f=true g=2.5 h=null i=1234567890123\n");
    }

    @Test
    void emptyMessageIsLeftOut() {
        String line = layout.doLayout(event(Level.INFO, "").field("k", "v").build());

        assertThat(line).isEqualTo("2026-01-02T03:04:05Z INF k=v\n");
    }

    @Test
    void secretFieldsAreMasked() {
        String line = layout.doLayout(event(Level.INFO, "Loaded credentials")
                .field("tunnelSecret", "c2VjcmV0")
                .field("TOKEN", "eyJh")
                .field("tunnelID", "abc")
                .build());

        assertThat(line).isEqualTo("2026-01-02T03:04:05Z INF Loaded credentials TOKEN=<redacted> tunnelID=abc "
                + "tunnelSecret=<redacted>\n");
    }

    @Test
    void mdcEntriesAreFieldsToo() {
        String line = layout.doLayout(event(Level.INFO, "Retrying").mdc(Map.of("connIndex", "2"))
                .field("delay", "1s").build());

        assertThat(line).isEqualTo("2026-01-02T03:04:05Z INF Retrying connIndex=2 delay=1s\n");
    }

    @Test
    void stackTracesPrintOnlyWhenAskedFor() {
        RuntimeException boom = new RuntimeException("boom");

        String plain = layout.doLayout(event(Level.ERROR, "failed").cause(boom).build());
        String withStack = new ConsoleLineLayout(true).doLayout(event(Level.ERROR, "failed").cause(boom).build());

        assertThat(plain).isEqualTo("2026-01-02T03:04:05Z ERR failed error=boom\n");
        assertThat(withStack).startsWith("2026-01-02T03:04:05Z ERR failed error=boom\njava.lang.RuntimeException: boom")
                .contains("\tat dev.jflared.cli.logging.ConsoleLineLayoutTest");
    }
}
